// The Pod as node-agent understands it: a plain C++ model of the subset of
// the Kubernetes v1 Pod that a manifest may use (anything else is refused
// by the parser, never dropped). Everything here is
// already defaulted and validated by manifest_parser; a consumer never needs
// to re-apply Kubernetes defaults or re-check enums. Every struct compares
// by value (the pod manager tells an update from no change that way).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace agent::pod {

struct ObjectMeta {
  std::string name;
  std::string namespace_ = "default";
  std::string uid;  // from the manifest, or derived (static_uid.h)
  std::map<std::string, std::string> labels;
  std::map<std::string, std::string> annotations;

  bool operator==(const ObjectMeta&) const = default;
};

// A key of a ConfigMap or Secret an env var takes its value from
// (valueFrom.configMapKeyRef / secretKeyRef).
struct ObjectKeyRef {
  std::string name;  // the object, in the pod's namespace
  std::string key;
  bool optional = false;  // a missing object or key leaves the variable out

  bool operator==(const ObjectKeyRef&) const = default;
};

// One env entry: a literal value, a fieldRef to pod metadata/status, or a
// key of a ConfigMap or Secret (read when the container is created).
struct EnvVar {
  std::string name;
  std::string value;                      // when no valueFrom is set
  std::optional<std::string> field_path;  // e.g. "metadata.name", "status.podIP"
  std::optional<ObjectKeyRef> config_map_key_ref;
  std::optional<ObjectKeyRef> secret_key_ref;

  bool operator==(const EnvVar&) const = default;
};

// envFrom: every key of a ConfigMap or Secret as a variable, with a prefix.
struct EnvFromSource {
  std::string prefix;
  bool secret = false;  // secretRef, else configMapRef
  std::string name;
  bool optional = false;

  bool operator==(const EnvFromSource&) const = default;
};

enum class MountPropagation { None, HostToContainer, Bidirectional };

struct VolumeMount {
  std::string name;  // one of spec.volumes
  std::string mount_path;
  bool read_only = false;
  std::string sub_path;       // relative, no ".."
  std::string sub_path_expr;  // sub_path with $(VAR) of the container's env
  MountPropagation propagation = MountPropagation::None;

  bool operator==(const VolumeMount&) const = default;
};

enum class Protocol { TCP, UDP, SCTP };

struct ContainerPort {
  std::string name;
  int32_t container_port = 0;
  int32_t host_port = 0;  // 0: not published on the host
  std::string host_ip;
  Protocol protocol = Protocol::TCP;

  bool operator==(const ContainerPort&) const = default;
};

// cpu in milli-CPU, memory and ephemeral-storage in bytes; all rounded up
// as Kubernetes does.
struct ResourceList {
  std::optional<int64_t> cpu_milli;
  std::optional<int64_t> memory_bytes;
  std::optional<int64_t> ephemeral_storage_bytes = std::nullopt;  // local disk: writable layer, logs, emptyDir

  bool operator==(const ResourceList&) const = default;
};

struct ResourceRequirements {
  ResourceList requests;  // defaulted from limits where absent, as the API server does
  ResourceList limits;

  bool operator==(const ResourceRequirements&) const = default;
};

struct Capabilities {
  std::vector<std::string> add;
  std::vector<std::string> drop;

  bool operator==(const Capabilities&) const = default;
};

enum class SeccompType { Unconfined, RuntimeDefault, Localhost };

struct SeccompProfile {
  SeccompType type = SeccompType::RuntimeDefault;
  std::string localhost_profile;  // only for Localhost

  bool operator==(const SeccompProfile&) const = default;
};

struct SecurityContext {
  std::optional<int64_t> run_as_user;
  std::optional<int64_t> run_as_group;
  std::optional<bool> run_as_non_root;
  std::optional<Capabilities> capabilities;
  std::optional<bool> privileged;
  std::optional<bool> read_only_root_filesystem;
  std::optional<bool> allow_privilege_escalation;
  std::optional<SeccompProfile> seccomp_profile;

  bool operator==(const SecurityContext&) const = default;
};

// A port a probe names: a number, or the name of one of the container's
// ports (resolved by the parser, which refuses a name the container does
// not declare).
struct PortRef {
  int32_t number = 0;
  std::string name;  // as written, for messages; empty when given as a number

  bool operator==(const PortRef&) const = default;
};

struct HttpHeader {
  std::string name;
  std::string value;

  bool operator==(const HttpHeader&) const = default;
};

// The four ways to probe a container (core/v1 ProbeHandler); exactly one is set.
struct ExecAction {
  std::vector<std::string> command;  // run in the container, not in a shell

  bool operator==(const ExecAction&) const = default;
};

enum class UriScheme { Http, Https };

struct HttpGetAction {
  std::string path = "/";
  PortRef port;
  std::string host;  // empty: the pod's IP
  UriScheme scheme = UriScheme::Http;
  std::vector<HttpHeader> http_headers;

  bool operator==(const HttpGetAction&) const = default;
};

struct TcpSocketAction {
  PortRef port;
  std::string host;  // empty: the pod's IP

  bool operator==(const TcpSocketAction&) const = default;
};

struct GrpcAction {
  int32_t port = 0;
  std::optional<std::string> service;  // grpc.health.v1 HealthCheckRequest.service

  bool operator==(const GrpcAction&) const = default;
};

using ProbeHandler = std::variant<ExecAction, HttpGetAction, TcpSocketAction, GrpcAction>;

// A liveness, readiness or startup probe, with the API server's defaults
// applied (a 0 in the manifest is the default, as there).
struct Probe {
  ProbeHandler handler;
  int32_t initial_delay_seconds = 0;
  int32_t timeout_seconds = 1;
  int32_t period_seconds = 10;
  int32_t success_threshold = 1;  // always 1 for liveness and startup
  int32_t failure_threshold = 3;
  // Liveness and startup only: the grace period of a kill this probe
  // causes, in place of the pod's.
  std::optional<int64_t> termination_grace_period_seconds;

  bool operator==(const Probe&) const = default;
};

// A postStart or preStop hook's action (core/v1 LifecycleHandler).
using LifecycleHandler = std::variant<ExecAction, HttpGetAction>;

enum class PullPolicy { Always, IfNotPresent, Never };

struct Container {
  std::string name;
  std::string image;
  PullPolicy image_pull_policy = PullPolicy::IfNotPresent;
  std::vector<std::string> command;
  std::vector<std::string> args;
  std::vector<EnvVar> env;
  std::vector<EnvFromSource> env_from;
  std::vector<ContainerPort> ports;
  std::vector<VolumeMount> volume_mounts;
  std::string working_dir;
  ResourceRequirements resources;
  std::optional<SecurityContext> security_context;
  std::string termination_message_path = "/dev/termination-log";
  std::optional<Probe> liveness_probe;
  std::optional<Probe> readiness_probe;
  std::optional<Probe> startup_probe;
  std::optional<LifecycleHandler> post_start;  // lifecycle.postStart
  std::optional<LifecycleHandler> pre_stop;    // lifecycle.preStop

  bool operator==(const Container&) const = default;
};

enum class RestartPolicy { Always, OnFailure, Never };

enum class DnsPolicy { ClusterFirst, ClusterFirstWithHostNet, Default, None };

struct DnsOption {
  std::string name;
  std::optional<std::string> value;

  bool operator==(const DnsOption&) const = default;
};

struct DnsConfig {
  std::vector<std::string> nameservers;
  std::vector<std::string> searches;
  std::vector<DnsOption> options;

  bool operator==(const DnsConfig&) const = default;
};

struct PodSecurityContext {
  std::optional<int64_t> run_as_user;
  std::optional<int64_t> run_as_group;
  std::optional<bool> run_as_non_root;
  std::optional<int64_t> fs_group;
  std::vector<int64_t> supplemental_groups;
  std::optional<SeccompProfile> seccomp_profile;

  bool operator==(const PodSecurityContext&) const = default;
};

// Volumes (core/v1 VolumeSource), the kinds node-agent makes itself.
// Modes are permission bits (0..0777); a file's mode falls back to its
// volume's default_mode.
struct KeyToPath {
  std::string key;
  std::string path;  // relative, no "..", not starting with ".."
  std::optional<int32_t> mode;

  bool operator==(const KeyToPath&) const = default;
};

struct EmptyDirVolume {
  bool memory = false;  // medium: Memory (a tmpfs)
  // sizeLimit, for both media: the tmpfs size for Memory; on disk, the
  // usage above which the eviction manager evicts the pod.
  std::optional<int64_t> size_limit_bytes;

  bool operator==(const EmptyDirVolume&) const = default;
};

enum class HostPathType { Unset, DirectoryOrCreate, Directory, FileOrCreate, File, Socket, CharDevice, BlockDevice };

struct HostPathVolume {
  std::string path;  // absolute
  HostPathType type = HostPathType::Unset;

  bool operator==(const HostPathVolume&) const = default;
};

// A configMap or secret volume, or one such source of a projected volume
// (where default_mode is the projected volume's).
struct ObjectVolumeSource {
  bool secret = false;
  std::string name;              // the ConfigMap or Secret, in the pod's namespace
  std::vector<KeyToPath> items;  // empty: every key, as a file named after it
  bool optional = false;

  bool operator==(const ObjectVolumeSource&) const = default;
};

// resourceFieldRef: a container's request or limit, in units of `divisor`.
struct ResourceFieldRef {
  std::string container_name;  // required in volumes
  // limits.cpu, limits.memory, limits.ephemeral-storage, and the same requests.*
  std::string resource;
  // The divisor as milli-units for cpu ("1" = 1000, "1m" = 1) and bytes for
  // memory and ephemeral-storage.
  int64_t divisor = 1;

  bool operator==(const ResourceFieldRef&) const = default;
};

struct DownwardApiFile {
  std::string path;
  std::optional<std::string> field_path;  // metadata.name, .namespace, .uid, .labels, .annotations, ...
  std::optional<ResourceFieldRef> resource_field_ref;
  std::optional<int32_t> mode;

  bool operator==(const DownwardApiFile&) const = default;
};

struct DownwardApiSource {
  std::vector<DownwardApiFile> items;

  bool operator==(const DownwardApiSource&) const = default;
};

struct ObjectVolume {  // configMap or secret
  ObjectVolumeSource source;
  int32_t default_mode = 0644;

  bool operator==(const ObjectVolume&) const = default;
};

struct DownwardApiVolume {
  DownwardApiSource source;
  int32_t default_mode = 0644;

  bool operator==(const DownwardApiVolume&) const = default;
};

struct ProjectedVolume {
  std::vector<std::variant<ObjectVolumeSource, DownwardApiSource>> sources;
  int32_t default_mode = 0644;

  bool operator==(const ProjectedVolume&) const = default;
};

using VolumeSource = std::variant<EmptyDirVolume, HostPathVolume, ObjectVolume, DownwardApiVolume, ProjectedVolume>;

struct Volume {
  std::string name;
  VolumeSource source;

  bool operator==(const Volume&) const = default;
};

struct PodSpec {
  std::vector<Container> init_containers;  // run in order, each to completion
  std::vector<Container> containers;       // at least one
  RestartPolicy restart_policy = RestartPolicy::Always;
  int64_t termination_grace_period_seconds = 30;
  bool host_network = false;
  bool host_pid = false;
  bool host_ipc = false;
  std::string hostname;
  std::string subdomain;
  DnsPolicy dns_policy = DnsPolicy::ClusterFirst;
  std::optional<DnsConfig> dns_config;
  PodSecurityContext security_context;
  std::string node_name;
  std::vector<Volume> volumes;
  // spec.priority (none: 0), from the manifest or from the built-in class
  // spec.priorityClassName names (system-node-critical, system-cluster-critical);
  // it ranks pods for eviction, and 2000000000 and above are critical.
  std::optional<int32_t> priority;
  std::string priority_class_name;

  bool operator==(const PodSpec&) const = default;
};

struct Pod {
  ObjectMeta metadata;
  PodSpec spec;

  bool operator==(const Pod&) const = default;
};

const char* to_string(PullPolicy p);
const char* to_string(RestartPolicy p);
const char* to_string(DnsPolicy p);
const char* to_string(Protocol p);
const char* to_string(SeccompType t);
const char* to_string(UriScheme s);
const char* to_string(HostPathType t);
const char* to_string(MountPropagation p);

}  // namespace agent::pod
