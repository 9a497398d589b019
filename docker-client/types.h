// Typed views of the Docker Engine API objects the CRI server needs.
//
// Reply types are parsed from dockerd's JSON by from_json (json_mapping.cc);
// each keeps the whole reply in `raw` for verbose CRI answers. Request types
// are serialised by to_json; a field left empty/zero is omitted so that
// dockerd applies its own default. Times are kept as Docker sends them
// (RFC 3339 with nanoseconds) and converted by common/rfc3339.h.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace docker {

using Labels = std::map<std::string, std::string>;
// Docker's filter syntax: {"label": ["a=b", "c"], "status": ["running"]}.
using Filters = std::map<std::string, std::vector<std::string>>;

// ---------------------------------------------------------------- system

struct VersionInfo {
  std::string version;         // engine version, "20.10.24+dfsg1"
  std::string api_version;     // newest API the server speaks, "1.41"
  std::string min_api_version; // oldest API the server speaks, "1.12"
  std::string os, arch, kernel_version, git_commit;
  nlohmann::json raw;
};

struct SystemInfo {
  std::string id, name, server_version, operating_system, kernel_version;
  std::string docker_root_dir;  // "/var/lib/docker"
  std::string driver;           // storage driver, "overlay2"
  std::string cgroup_driver;    // "cgroupfs" | "systemd"
  std::string cgroup_version;   // "1" | "2"
  std::string logging_driver;   // "json-file"
  std::int64_t containers = 0, containers_running = 0, images = 0;
  std::int64_t ncpu = 0, mem_total = 0;
  std::vector<std::string> security_options;  // "name=seccomp,profile=default", ...
  nlohmann::json raw;
};

// ---------------------------------------------------------------- images

struct ImageSummary {
  std::string id;  // "sha256:..."
  std::vector<std::string> repo_tags;     // "<none>:<none>" entries dropped
  std::vector<std::string> repo_digests;  // "<none>@<none>" entries dropped
  std::int64_t size = 0;
  std::int64_t created = 0;  // unix seconds
  Labels labels;
};

struct ImageConfig {
  std::string user;  // "", "1002", "www-data", "1003:1004", ...
  std::vector<std::string> env, entrypoint, cmd;
  std::string working_dir;
  Labels labels;
  std::vector<std::string> volumes;        // keys of Config.Volumes
  std::vector<std::string> exposed_ports;  // keys of Config.ExposedPorts
  std::string stop_signal;
};

struct ImageInspect {
  std::string id;
  std::vector<std::string> repo_tags, repo_digests;
  std::string created;  // RFC 3339
  std::int64_t size = 0;
  std::string os, architecture;
  ImageConfig config;
  nlohmann::json raw;
};

// Credentials for one pull, sent as X-Registry-Auth (base64url of this JSON).
struct RegistryAuth {
  std::string username, password;
  std::string auth;            // base64("user:password"); decoded when set
  std::string server_address;
  std::string identity_token;  // refresh token
  std::string registry_token;  // bearer token
  bool empty() const;
};

// One line of a pull/import progress stream.
struct ProgressEvent {
  std::string status, id, progress;
  std::int64_t current = 0, total = 0;
};

struct ImageDeleteItem {
  std::string untagged, deleted;
};

struct DiskUsage {
  std::int64_t layers_size = 0;
  std::vector<ImageSummary> images;  // with SharedSize/Containers omitted
  nlohmann::json raw;
};

// ---------------------------------------------------------------- containers

struct PortBinding {
  std::string host_ip;
  std::string host_port;  // as a decimal string, "" = any
};

struct DeviceMapping {
  std::string path_on_host, path_in_container, cgroup_permissions = "rwm";
};

struct Mount {  // HostConfig.Mounts entry (type bind), for propagation control
  std::string type = "bind";
  std::string source, target;
  bool read_only = false;
  std::string propagation;  // "", "private", "rslave", "rshared", ...
};

struct Resources {
  std::int64_t cpu_shares = 0, cpu_period = 0, cpu_quota = 0;
  std::string cpuset_cpus, cpuset_mems;
  std::int64_t memory = 0, memory_swap = 0;
  std::optional<std::int64_t> pids_limit;
  std::vector<DeviceMapping> devices;
  std::map<std::string, std::int64_t> hugepage_limits;  // not in Docker's API; kept for callers
  std::string cgroup_parent;
  std::optional<bool> oom_kill_disable;  // Docker's HostConfig.OomKillDisable is a bool
  nlohmann::json to_update_json() const;  // body of POST /containers/{id}/update
};

struct HostConfig {
  std::vector<std::string> binds;  // "src:dst[:opts]"
  std::vector<Mount> mounts;
  std::string network_mode;  // "default", "none", "host", "container:<id>", "<network>"
  std::string ipc_mode;      // "shareable", "host", "container:<id>", "private"
  std::string pid_mode;      // "", "host", "container:<id>"
  std::string uts_mode;      // "", "host"
  std::map<std::string, std::vector<PortBinding>> port_bindings;  // "80/tcp" -> bindings
  std::vector<std::string> dns, dns_search, dns_options, extra_hosts;
  bool privileged = false, readonly_rootfs = false, publish_all_ports = false, init = false;
  std::vector<std::string> cap_add, cap_drop, security_opt, group_add;
  std::vector<std::string> masked_paths, readonly_paths;  // nullopt-like: empty = Docker default
  bool set_masked_paths = false, set_readonly_paths = false;  // send even when empty
  std::vector<std::string> device_cgroup_rules;  // "c 1:3 rwm", "b *:* rwm" (DeviceCgroupRules)
  std::map<std::string, std::string> sysctls, log_config_options, storage_opt, tmpfs;
  std::string log_driver;  // "" = daemon default
  std::optional<int> oom_score_adj;
  std::int64_t shm_size = 0;
  std::string runtime;      // "" = daemon default ("runc")
  std::string cgroupns_mode;
  Resources resources;
  std::string restart_policy = "no";
  bool auto_remove = false;
};

// Body of POST /containers/create.
struct ContainerCreateRequest {
  std::string name;  // query parameter, "" = Docker picks one
  std::string image;
  std::vector<std::string> entrypoint, cmd, env;
  bool entrypoint_set = false, cmd_set = false;  // send [] to clear the image's own
  std::string working_dir, user, hostname, domainname, stop_signal;
  std::optional<int> stop_timeout;
  Labels labels;
  bool tty = false, open_stdin = false, stdin_once = false;
  bool attach_stdin = false, attach_stdout = false, attach_stderr = false;
  std::vector<std::string> exposed_ports;  // "80/tcp"
  bool healthcheck_none = true;            // CRI containers never run Docker health checks
  bool network_disabled = false;
  std::string mac_address;
  HostConfig host_config;
  nlohmann::json to_json() const;
};

struct ContainerCreateResult {
  std::string id;
  std::vector<std::string> warnings;
};

struct ContainerState {
  std::string status;  // "created", "running", "paused", "restarting", "removing", "exited", "dead"
  bool running = false, paused = false, restarting = false, oom_killed = false, dead = false;
  int pid = 0;
  int exit_code = 0;
  std::string error;
  std::string started_at, finished_at;  // RFC 3339; "0001-01-01T00:00:00Z" when never
};

struct MountPoint {  // inspect .Mounts[]
  std::string type, name, source, destination, mode, propagation;
  bool rw = true;
};

struct EndpointSettings {
  std::string network_id, endpoint_id, gateway, ip_address, global_ipv6_address, mac_address;
  int ip_prefix_len = 0;
};

struct NetworkSettings {
  std::string sandbox_key;  // "/var/run/docker/netns/<id>"
  std::string ip_address, global_ipv6_address, gateway;
  std::map<std::string, std::vector<PortBinding>> ports;
  std::map<std::string, EndpointSettings> networks;
};

struct ContainerConfigView {  // inspect .Config
  std::string hostname, user, image, working_dir, stop_signal;
  std::vector<std::string> env, entrypoint, cmd;
  Labels labels;
  bool tty = false, open_stdin = false, stdin_once = false;
};

struct HostConfigView {  // inspect .HostConfig, the parts CRI reports back
  std::string network_mode, ipc_mode, pid_mode, uts_mode, cgroup_parent, log_type;
  bool privileged = false, readonly_rootfs = false;
  std::vector<std::string> binds, cap_add, cap_drop, security_opt, group_add;
  std::int64_t cpu_shares = 0, cpu_period = 0, cpu_quota = 0, memory = 0, memory_swap = 0;
  std::string cpuset_cpus, cpuset_mems;
  std::optional<int> oom_score_adj;
};

struct ContainerInspect {
  std::string id, name;  // name without the leading "/"
  std::string created;   // RFC 3339 with nanoseconds
  std::string image;     // image ID "sha256:..."
  std::string log_path, resolv_conf_path, hostname_path, hosts_path;
  std::string driver;
  ContainerState state;
  ContainerConfigView config;
  HostConfigView host_config;
  NetworkSettings network_settings;
  std::vector<MountPoint> mounts;
  std::optional<std::int64_t> size_rw, size_root_fs;  // only with ?size=1
  nlohmann::json raw;
};

struct ContainerSummary {  // GET /containers/json entry
  std::string id;
  std::vector<std::string> names;  // without the leading "/"
  std::string image, image_id, command, state, status;
  std::int64_t created = 0;  // unix seconds
  Labels labels;
  std::string network_mode;  // HostConfig.NetworkMode
  std::map<std::string, EndpointSettings> networks;
};

struct ContainerListOptions {
  bool all = true;
  Filters filters;
  bool size = false;
  int limit = 0;
};

struct ContainerWaitResult {
  int status_code = 0;
  std::string error;
};

struct LogOptions {
  bool follow = false, stdout_ = true, stderr_ = true, timestamps = false;
  std::string since, until;  // unix seconds with optional ".nanos", or RFC 3339
  std::string tail;          // "all" or a number
  // Whether the container has a TTY: then the log is raw (all Stdout),
  // otherwise multiplexed in 8-byte-header frames. nullopt = find out (API
  // 1.42+ says so in the reply's Content-Type; older ones cost an inspect).
  std::optional<bool> tty;
};

// ---------------------------------------------------------------- exec

struct ExecConfig {
  std::vector<std::string> cmd;
  std::vector<std::string> env;
  std::string user, working_dir;
  bool tty = false, attach_stdin = false, attach_stdout = true, attach_stderr = true;
  bool privileged = false;
  nlohmann::json to_json() const;
};

struct ExecInspect {
  std::string id, container_id;
  bool running = false;
  std::optional<int> exit_code;  // null while running
  int pid = 0;                   // host PID of the exec'd process (0 before start)
  bool open_stdin = false, open_stdout = false, open_stderr = false;
  nlohmann::json raw;
};

// ---------------------------------------------------------------- events

struct Event {
  std::string type;    // "container", "image", "network", ...
  std::string action;  // "create", "start", "die", "destroy", "oom", ...
  std::string id;      // Actor.ID
  Labels attributes;   // Actor.Attributes (container labels, name, image, exitCode)
  std::int64_t time_nano = 0;
  nlohmann::json raw;
};

struct EventOptions {
  Filters filters;
  std::string since, until;  // unix seconds with optional ".nanos"
};

// ---------------------------------------------------------------- JSON mapping

void from_json(const nlohmann::json& j, VersionInfo& v);
void from_json(const nlohmann::json& j, SystemInfo& v);
void from_json(const nlohmann::json& j, ImageSummary& v);
void from_json(const nlohmann::json& j, ImageInspect& v);
void from_json(const nlohmann::json& j, ProgressEvent& v);
void from_json(const nlohmann::json& j, ImageDeleteItem& v);
void from_json(const nlohmann::json& j, ContainerInspect& v);
void from_json(const nlohmann::json& j, ContainerSummary& v);
void from_json(const nlohmann::json& j, ExecInspect& v);
void from_json(const nlohmann::json& j, Event& v);
nlohmann::json to_json(const RegistryAuth& auth);

// The X-Registry-Auth header value: URL-safe base64 of the auth JSON.
// When `auth` is set and username/password are not, it is decoded into them.
std::string encode_registry_auth(const RegistryAuth& auth);

// Docker filters as the `filters` query parameter: {"label":{"a=b":true}}.
std::string encode_filters(const Filters& filters);

}  // namespace docker
