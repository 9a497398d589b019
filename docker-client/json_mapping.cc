// JSON <-> types.h. dockerd sends null for many empty things ("RepoTags":
// null, "Labels": null, "Ports": null, "ExitCode": null while an exec runs),
// so every read goes through the null-tolerant getters below and a missing
// or null field simply leaves the default.
#include "docker-client/json_mapping.h"

#include <string_view>

#include "common/base64.h"
#include "docker-client/encoding.h"

namespace docker {

using json = nlohmann::json;

namespace {

const json* field(const json& j, const char* key) {
  if (!j.is_object()) return nullptr;
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return nullptr;
  return &*it;
}

std::string str(const json& j, const char* key) {
  const json* f = field(j, key);
  return f && f->is_string() ? f->get<std::string>() : std::string();
}

std::int64_t i64(const json& j, const char* key) {
  const json* f = field(j, key);
  if (!f) return 0;
  if (f->is_number_integer()) return f->get<std::int64_t>();
  if (f->is_number_float()) {
    // Outside int64's range (or NaN) the cast would be undefined: 0, as for
    // any other value that is not a count.
    const double d = f->get<double>();
    if (!(d >= -9223372036854775808.0 && d < 9223372036854775808.0)) return 0;
    return static_cast<std::int64_t>(d);
  }
  return 0;
}

std::optional<std::int64_t> opt_i64(const json& j, const char* key) {
  const json* f = field(j, key);
  if (!f || !f->is_number()) return std::nullopt;
  return i64(j, key);
}

bool boolean(const json& j, const char* key) {
  const json* f = field(j, key);
  return f && f->is_boolean() && f->get<bool>();
}

// An array of strings; a lone string counts as one (Docker's strslice accepts both).
std::vector<std::string> strings(const json& j, const char* key) {
  std::vector<std::string> out;
  const json* f = field(j, key);
  if (!f) return out;
  if (f->is_string()) {
    out.push_back(f->get<std::string>());
  } else if (f->is_array()) {
    out.reserve(f->size());
    for (const auto& e : *f)
      if (e.is_string()) out.push_back(e.get<std::string>());
  }
  return out;
}

Labels string_map(const json& j, const char* key) {
  Labels out;
  const json* f = field(j, key);
  if (!f || !f->is_object()) return out;
  for (auto it = f->begin(); it != f->end(); ++it)
    if (it->is_string()) out.emplace(it.key(), it->get<std::string>());
  return out;
}

std::vector<std::string> keys(const json& j, const char* key) {
  std::vector<std::string> out;
  const json* f = field(j, key);
  if (!f || !f->is_object()) return out;
  for (auto it = f->begin(); it != f->end(); ++it) out.push_back(it.key());
  return out;
}

const json& obj(const json& j, const char* key) {
  static const json kEmpty = json::object();
  const json* f = field(j, key);
  return f && f->is_object() ? *f : kEmpty;
}

std::map<std::string, std::vector<PortBinding>> port_map(const json& j, const char* key) {
  std::map<std::string, std::vector<PortBinding>> out;
  const json* f = field(j, key);
  if (!f || !f->is_object()) return out;
  for (auto it = f->begin(); it != f->end(); ++it) {
    auto& list = out[it.key()];  // exposed but unpublished ports map to null
    if (!it->is_array()) continue;
    for (const auto& b : *it) list.push_back({str(b, "HostIp"), str(b, "HostPort")});
  }
  return out;
}

void fill_endpoint(const json& j, EndpointSettings& v) {
  v.network_id = str(j, "NetworkID");
  v.endpoint_id = str(j, "EndpointID");
  v.gateway = str(j, "Gateway");
  v.ip_address = str(j, "IPAddress");
  v.ip_prefix_len = static_cast<int>(i64(j, "IPPrefixLen"));
  v.global_ipv6_address = str(j, "GlobalIPv6Address");
  v.mac_address = str(j, "MacAddress");
}

std::map<std::string, EndpointSettings> networks(const json& j) {
  std::map<std::string, EndpointSettings> out;
  const json& nets = obj(j, "Networks");
  for (auto it = nets.begin(); it != nets.end(); ++it) fill_endpoint(*it, out[it.key()]);
  return out;
}

// Docker writes "<none>:<none>" / "<none>@<none>" for dangling images.
std::vector<std::string> without_none(std::vector<std::string> v, std::string_view none) {
  std::erase(v, none);
  return v;
}

json string_array(const std::vector<std::string>& v) { return json(v); }

json string_object(const std::map<std::string, std::string>& m) {
  json o = json::object();
  for (const auto& [k, v] : m) o[k] = v;
  return o;
}

void put_nonempty(json& j, const char* key, const std::string& v) {
  if (!v.empty()) j[key] = v;
}
void put_nonempty(json& j, const char* key, const std::vector<std::string>& v) {
  if (!v.empty()) j[key] = v;
}
void put_nonzero(json& j, const char* key, std::int64_t v) {
  if (v != 0) j[key] = v;
}
void put_true(json& j, const char* key, bool v) {
  if (v) j[key] = true;
}

}  // namespace

std::string detail::string_field(const json& j, const char* key) { return str(j, key); }
std::vector<std::string> detail::strings_field(const json& j, const char* key) {
  return strings(j, key);
}

// ---------------------------------------------------------------- system

void detail::fill(const json& j, VersionInfo& v) {
  v.version = str(j, "Version");
  v.api_version = str(j, "ApiVersion");
  v.min_api_version = str(j, "MinAPIVersion");
  v.os = str(j, "Os");
  v.arch = str(j, "Arch");
  v.kernel_version = str(j, "KernelVersion");
  v.git_commit = str(j, "GitCommit");
}

void detail::fill(const json& j, SystemInfo& v) {
  v.id = str(j, "ID");
  v.name = str(j, "Name");
  v.server_version = str(j, "ServerVersion");
  v.operating_system = str(j, "OperatingSystem");
  v.kernel_version = str(j, "KernelVersion");
  v.docker_root_dir = str(j, "DockerRootDir");
  v.driver = str(j, "Driver");
  v.cgroup_driver = str(j, "CgroupDriver");
  v.cgroup_version = str(j, "CgroupVersion");
  v.logging_driver = str(j, "LoggingDriver");
  v.containers = i64(j, "Containers");
  v.containers_running = i64(j, "ContainersRunning");
  v.images = i64(j, "Images");
  v.ncpu = i64(j, "NCPU");
  v.mem_total = i64(j, "MemTotal");
  v.security_options = strings(j, "SecurityOptions");
}

void from_json(const json& j, VersionInfo& v) {
  detail::fill(j, v);
  v.raw = j;
}

void from_json(const json& j, SystemInfo& v) {
  detail::fill(j, v);
  v.raw = j;
}

// ---------------------------------------------------------------- images

void from_json(const json& j, ImageSummary& v) {
  v.id = str(j, "Id");
  v.repo_tags = without_none(strings(j, "RepoTags"), "<none>:<none>");
  v.repo_digests = without_none(strings(j, "RepoDigests"), "<none>@<none>");
  v.size = i64(j, "Size");
  v.created = i64(j, "Created");
  v.labels = string_map(j, "Labels");
}

void detail::fill(const json& j, ImageInspect& v) {
  v.id = str(j, "Id");
  v.repo_tags = without_none(strings(j, "RepoTags"), "<none>:<none>");
  v.repo_digests = without_none(strings(j, "RepoDigests"), "<none>@<none>");
  v.created = str(j, "Created");
  v.size = i64(j, "Size");
  v.os = str(j, "Os");
  v.architecture = str(j, "Architecture");
  const json& c = obj(j, "Config");
  v.config.user = str(c, "User");
  v.config.env = strings(c, "Env");
  v.config.entrypoint = strings(c, "Entrypoint");
  v.config.cmd = strings(c, "Cmd");
  v.config.working_dir = str(c, "WorkingDir");
  v.config.labels = string_map(c, "Labels");
  v.config.volumes = keys(c, "Volumes");
  v.config.exposed_ports = keys(c, "ExposedPorts");
  v.config.stop_signal = str(c, "StopSignal");
}

void from_json(const json& j, ImageInspect& v) {
  detail::fill(j, v);
  v.raw = j;
}

void from_json(const json& j, ProgressEvent& v) {
  v.status = str(j, "status");
  v.id = str(j, "id");
  v.progress = str(j, "progress");
  const json& d = obj(j, "progressDetail");
  v.current = i64(d, "current");
  v.total = i64(d, "total");
}

void from_json(const json& j, ImageDeleteItem& v) {
  v.untagged = str(j, "Untagged");
  v.deleted = str(j, "Deleted");
}

void detail::fill(const json& j, DiskUsage& v) {
  v.layers_size = i64(j, "LayersSize");
  v.images.clear();
  if (const json* images = field(j, "Images"); images && images->is_array()) {
    v.images.reserve(images->size());
    for (const auto& e : *images) v.images.push_back(e.get<ImageSummary>());
  }
}

bool RegistryAuth::empty() const {
  return username.empty() && password.empty() && auth.empty() && identity_token.empty() &&
         registry_token.empty();
}

json to_json(const RegistryAuth& a) {
  std::string user = a.username, pass = a.password;
  if (!a.auth.empty() && user.empty() && pass.empty()) {
    // "auth" is base64("user:password"), as in ~/.docker/config.json.
    // Not base64: passed on as is, for the registry to judge.
    if (const auto decoded = common::base64_decode(a.auth)) {
      const auto colon = decoded->find(':');
      if (colon != std::string::npos) {
        user = decoded->substr(0, colon);
        pass = decoded->substr(colon + 1);
      }
    }
  }
  json j = json::object();
  put_nonempty(j, "username", user);
  put_nonempty(j, "password", pass);
  put_nonempty(j, "auth", a.auth);
  put_nonempty(j, "serveraddress", a.server_address);
  put_nonempty(j, "identitytoken", a.identity_token);
  put_nonempty(j, "registrytoken", a.registry_token);
  return j;
}

std::string encode_registry_auth(const RegistryAuth& auth) {
  return common::base64_encode(to_json(auth).dump(), common::Base64Alphabet::kUrl);
}

std::string encode_filters(const Filters& filters) {
  // The map form {"label":{"a=b":true}} is what every API version accepts;
  // the plain-array form only arrived with 1.22+ and is not what Go sends.
  json j = json::object();
  for (const auto& [key, values] : filters) {
    json set = json::object();
    for (const auto& v : values) set[v] = true;
    j[key] = std::move(set);
  }
  return j.dump();
}

// ---------------------------------------------------------------- containers

json Resources::to_update_json() const {
  json j = json::object();
  put_nonzero(j, "CpuShares", cpu_shares);
  put_nonzero(j, "CpuPeriod", cpu_period);
  put_nonzero(j, "CpuQuota", cpu_quota);
  put_nonempty(j, "CpusetCpus", cpuset_cpus);
  put_nonempty(j, "CpusetMems", cpuset_mems);
  put_nonzero(j, "Memory", memory);
  put_nonzero(j, "MemorySwap", memory_swap);
  if (pids_limit) j["PidsLimit"] = *pids_limit;
  if (oom_kill_disable) j["OomKillDisable"] = *oom_kill_disable;
  // Devices and CgroupParent cannot change on a live container; hugepage
  // limits have no Docker API field at all.
  return j;
}

namespace {

void put_resources(json& hc, const Resources& r) {
  // Docker's HostConfig embeds Resources: the fields sit at HostConfig's top level.
  hc.update(r.to_update_json());
  put_nonempty(hc, "CgroupParent", r.cgroup_parent);
  if (!r.devices.empty()) {
    json devices = json::array();
    for (const auto& d : r.devices)
      devices.push_back({{"PathOnHost", d.path_on_host},
                         {"PathInContainer", d.path_in_container},
                         {"CgroupPermissions", d.cgroup_permissions}});
    hc["Devices"] = std::move(devices);
  }
}

json host_config_json(const HostConfig& h) {
  json hc = json::object();
  put_nonempty(hc, "Binds", h.binds);
  if (!h.mounts.empty()) {
    json mounts = json::array();
    for (const auto& m : h.mounts) {
      json e = {{"Type", m.type}, {"Source", m.source}, {"Target", m.target}};
      if (m.read_only) e["ReadOnly"] = true;
      if (!m.propagation.empty()) e["BindOptions"] = {{"Propagation", m.propagation}};
      mounts.push_back(std::move(e));
    }
    hc["Mounts"] = std::move(mounts);
  }
  put_nonempty(hc, "NetworkMode", h.network_mode);
  put_nonempty(hc, "IpcMode", h.ipc_mode);
  put_nonempty(hc, "PidMode", h.pid_mode);
  put_nonempty(hc, "UTSMode", h.uts_mode);
  put_nonempty(hc, "CgroupnsMode", h.cgroupns_mode);
  if (!h.port_bindings.empty()) {
    json pb = json::object();
    for (const auto& [port, bindings] : h.port_bindings) {
      json list = json::array();
      for (const auto& b : bindings) list.push_back({{"HostIp", b.host_ip}, {"HostPort", b.host_port}});
      pb[port] = std::move(list);
    }
    hc["PortBindings"] = std::move(pb);
  }
  put_nonempty(hc, "Dns", h.dns);
  put_nonempty(hc, "DnsSearch", h.dns_search);
  put_nonempty(hc, "DnsOptions", h.dns_options);
  put_nonempty(hc, "ExtraHosts", h.extra_hosts);
  put_true(hc, "Privileged", h.privileged);
  put_true(hc, "ReadonlyRootfs", h.readonly_rootfs);
  put_true(hc, "PublishAllPorts", h.publish_all_ports);
  put_true(hc, "Init", h.init);
  put_true(hc, "AutoRemove", h.auto_remove);
  put_nonempty(hc, "CapAdd", h.cap_add);
  put_nonempty(hc, "CapDrop", h.cap_drop);
  put_nonempty(hc, "SecurityOpt", h.security_opt);
  put_nonempty(hc, "GroupAdd", h.group_add);
  put_nonempty(hc, "DeviceCgroupRules", h.device_cgroup_rules);
  // [] means "mask/protect nothing" (privileged-like); absent means Docker's defaults.
  if (h.set_masked_paths || !h.masked_paths.empty()) hc["MaskedPaths"] = string_array(h.masked_paths);
  if (h.set_readonly_paths || !h.readonly_paths.empty())
    hc["ReadonlyPaths"] = string_array(h.readonly_paths);
  if (!h.sysctls.empty()) hc["Sysctls"] = string_object(h.sysctls);
  if (!h.storage_opt.empty()) hc["StorageOpt"] = string_object(h.storage_opt);
  if (!h.tmpfs.empty()) hc["Tmpfs"] = string_object(h.tmpfs);
  if (!h.log_driver.empty() || !h.log_config_options.empty()) {
    json lc = {{"Type", h.log_driver}};
    if (!h.log_config_options.empty()) lc["Config"] = string_object(h.log_config_options);
    hc["LogConfig"] = std::move(lc);
  }
  if (h.oom_score_adj) hc["OomScoreAdj"] = *h.oom_score_adj;
  put_nonzero(hc, "ShmSize", h.shm_size);
  put_nonempty(hc, "Runtime", h.runtime);
  put_resources(hc, h.resources);
  if (!h.restart_policy.empty()) hc["RestartPolicy"] = {{"Name", h.restart_policy}};
  return hc;
}

}  // namespace

json ContainerCreateRequest::to_json() const {
  json j = json::object();
  j["Image"] = image;
  put_nonempty(j, "Hostname", hostname);
  put_nonempty(j, "Domainname", domainname);
  put_nonempty(j, "User", user);
  put_nonempty(j, "WorkingDir", working_dir);
  put_nonempty(j, "StopSignal", stop_signal);
  if (stop_timeout) j["StopTimeout"] = *stop_timeout;
  put_nonempty(j, "Env", env);
  // An explicitly empty Entrypoint/Cmd ([] rather than absent) clears the image's.
  if (entrypoint_set || !entrypoint.empty()) j["Entrypoint"] = string_array(entrypoint);
  if (cmd_set || !cmd.empty()) j["Cmd"] = string_array(cmd);
  if (!labels.empty()) j["Labels"] = string_object(labels);
  put_true(j, "Tty", tty);
  put_true(j, "OpenStdin", open_stdin);
  put_true(j, "StdinOnce", stdin_once);
  put_true(j, "AttachStdin", attach_stdin);
  put_true(j, "AttachStdout", attach_stdout);
  put_true(j, "AttachStderr", attach_stderr);
  if (!exposed_ports.empty()) {
    json ports = json::object();
    for (const auto& p : exposed_ports) ports[p] = json::object();
    j["ExposedPorts"] = std::move(ports);
  }
  if (healthcheck_none) j["Healthcheck"] = {{"Test", {"NONE"}}};
  put_true(j, "NetworkDisabled", network_disabled);
  put_nonempty(j, "MacAddress", mac_address);
  j["HostConfig"] = host_config_json(host_config);
  return j;
}

void detail::fill(const json& j, ContainerInspect& v) {
  v.id = str(j, "Id");
  v.name = str(j, "Name");
  if (!v.name.empty() && v.name.front() == '/') v.name.erase(0, 1);
  v.created = str(j, "Created");
  v.image = str(j, "Image");
  v.log_path = str(j, "LogPath");
  v.resolv_conf_path = str(j, "ResolvConfPath");
  v.hostname_path = str(j, "HostnamePath");
  v.hosts_path = str(j, "HostsPath");
  v.driver = str(j, "Driver");

  const json& s = obj(j, "State");
  v.state.status = str(s, "Status");
  v.state.running = boolean(s, "Running");
  v.state.paused = boolean(s, "Paused");
  v.state.restarting = boolean(s, "Restarting");
  v.state.oom_killed = boolean(s, "OOMKilled");
  v.state.dead = boolean(s, "Dead");
  v.state.pid = static_cast<int>(i64(s, "Pid"));
  v.state.exit_code = static_cast<int>(i64(s, "ExitCode"));
  v.state.error = str(s, "Error");
  v.state.started_at = str(s, "StartedAt");
  v.state.finished_at = str(s, "FinishedAt");

  const json& c = obj(j, "Config");
  v.config.hostname = str(c, "Hostname");
  v.config.user = str(c, "User");
  v.config.image = str(c, "Image");
  v.config.working_dir = str(c, "WorkingDir");
  v.config.env = strings(c, "Env");
  v.config.entrypoint = strings(c, "Entrypoint");
  v.config.cmd = strings(c, "Cmd");
  v.config.labels = string_map(c, "Labels");
  v.config.tty = boolean(c, "Tty");
  v.config.open_stdin = boolean(c, "OpenStdin");
  v.config.stop_signal = str(c, "StopSignal");
  v.config.stdin_once = boolean(c, "StdinOnce");

  const json& h = obj(j, "HostConfig");
  auto& hv = v.host_config;
  hv.network_mode = str(h, "NetworkMode");
  hv.ipc_mode = str(h, "IpcMode");
  hv.pid_mode = str(h, "PidMode");
  hv.uts_mode = str(h, "UTSMode");
  hv.cgroup_parent = str(h, "CgroupParent");
  hv.log_type = str(obj(h, "LogConfig"), "Type");
  hv.privileged = boolean(h, "Privileged");
  hv.readonly_rootfs = boolean(h, "ReadonlyRootfs");
  hv.binds = strings(h, "Binds");
  hv.cap_add = strings(h, "CapAdd");
  hv.cap_drop = strings(h, "CapDrop");
  hv.security_opt = strings(h, "SecurityOpt");
  hv.group_add = strings(h, "GroupAdd");
  hv.cpu_shares = i64(h, "CpuShares");
  hv.cpu_period = i64(h, "CpuPeriod");
  hv.cpu_quota = i64(h, "CpuQuota");
  hv.memory = i64(h, "Memory");
  hv.memory_swap = i64(h, "MemorySwap");
  hv.cpuset_cpus = str(h, "CpusetCpus");
  hv.cpuset_mems = str(h, "CpusetMems");
  if (auto adj = opt_i64(h, "OomScoreAdj")) hv.oom_score_adj = static_cast<int>(*adj);

  const json& n = obj(j, "NetworkSettings");
  v.network_settings.sandbox_key = str(n, "SandboxKey");
  v.network_settings.ip_address = str(n, "IPAddress");
  v.network_settings.global_ipv6_address = str(n, "GlobalIPv6Address");
  v.network_settings.gateway = str(n, "Gateway");
  v.network_settings.ports = port_map(n, "Ports");
  v.network_settings.networks = networks(n);

  v.mounts.clear();
  if (const json* mounts = field(j, "Mounts"); mounts && mounts->is_array()) {
    for (const auto& m : *mounts) {
      MountPoint mp;
      mp.type = str(m, "Type");
      mp.name = str(m, "Name");
      mp.source = str(m, "Source");
      mp.destination = str(m, "Destination");
      mp.mode = str(m, "Mode");
      mp.propagation = str(m, "Propagation");
      mp.rw = field(m, "RW") ? boolean(m, "RW") : true;
      v.mounts.push_back(std::move(mp));
    }
  }
  v.size_rw = opt_i64(j, "SizeRw");
  v.size_root_fs = opt_i64(j, "SizeRootFs");
}

void from_json(const json& j, ContainerInspect& v) {
  detail::fill(j, v);
  v.raw = j;
}

void from_json(const json& j, ContainerSummary& v) {
  v.id = str(j, "Id");
  v.names = strings(j, "Names");
  for (auto& name : v.names)
    if (!name.empty() && name.front() == '/') name.erase(0, 1);
  v.image = str(j, "Image");
  v.image_id = str(j, "ImageID");
  v.command = str(j, "Command");
  v.state = str(j, "State");
  v.status = str(j, "Status");
  v.created = i64(j, "Created");
  v.labels = string_map(j, "Labels");
  v.network_mode = str(obj(j, "HostConfig"), "NetworkMode");
  v.networks = networks(obj(j, "NetworkSettings"));
}

// ---------------------------------------------------------------- exec

json ExecConfig::to_json() const {
  json j = json::object();
  j["Cmd"] = string_array(cmd);
  put_nonempty(j, "Env", env);
  put_nonempty(j, "User", user);
  put_nonempty(j, "WorkingDir", working_dir);
  j["Tty"] = tty;
  j["AttachStdin"] = attach_stdin;
  j["AttachStdout"] = attach_stdout;
  j["AttachStderr"] = attach_stderr;
  put_true(j, "Privileged", privileged);
  return j;
}

void detail::fill(const json& j, ExecInspect& v) {
  v.id = str(j, "ID");
  v.container_id = str(j, "ContainerID");
  v.running = boolean(j, "Running");
  v.exit_code.reset();
  if (auto code = opt_i64(j, "ExitCode")) v.exit_code = static_cast<int>(*code);
  v.pid = static_cast<int>(i64(j, "Pid"));
  v.open_stdin = boolean(j, "OpenStdin");
  v.open_stdout = boolean(j, "OpenStdout");
  v.open_stderr = boolean(j, "OpenStderr");
}

void from_json(const json& j, ExecInspect& v) {
  detail::fill(j, v);
  v.raw = j;
}

// ---------------------------------------------------------------- events

void detail::fill(const json& j, Event& v) {
  v.type = str(j, "Type");
  v.action = str(j, "Action");
  const json& actor = obj(j, "Actor");
  v.id = str(actor, "ID");
  if (v.id.empty()) v.id = str(j, "id");  // pre-1.22 field, still sent
  v.attributes = string_map(actor, "Attributes");
  v.time_nano = i64(j, "timeNano");
  // Seconds beyond int64 nanoseconds (year 2262) are no time at all.
  if (v.time_nano == 0 && __builtin_mul_overflow(i64(j, "time"), std::int64_t{1'000'000'000}, &v.time_nano))
    v.time_nano = 0;
}

void from_json(const json& j, Event& v) {
  detail::fill(j, v);
  v.raw = j;
}

}  // namespace docker
