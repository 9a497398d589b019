#include "shim/container/container_spec.h"

#include <algorithm>
#include <filesystem>

#include "common/kubernetes_keys.h"
#include "shim/container/hugepages.h"
#include "shim/container/resources.h"
#include "shim/server/call.h"
#include "shim/state/cri_metadata.h"
#include "shim/state/labels.h"

namespace shim {
namespace {

constexpr std::string_view kSecurity = "config.linux.security_context";

std::string field_at(std::string_view base, int index) {
  return std::string(base) + "[" + std::to_string(index) + "]";
}

// Kubernetes hands host paths that may be symlinks (e.g. /var/run -> /run);
// Docker would bind the link's target anyway, but a relative or dangling
// link would fail there with a less helpful message.
std::string resolved_host_path(const std::string& path) {
  std::error_code error;
  const auto canonical = std::filesystem::weakly_canonical(path, error);
  return error ? path : canonical.string();
}

std::string bind_for(const cri::Mount& mount, const std::string& field) {
  if (mount.container_path().empty()) throw invalid_argument(field + ".container_path is empty");
  if (mount.host_path().empty()) throw invalid_argument(field + ".host_path is empty");
  if (mount.container_path().front() != '/')
    throw invalid_argument(field + ".container_path \"" + mount.container_path() +
                           "\" is not absolute");
  const std::string host = resolved_host_path(mount.host_path());
  // Docker's bind syntax separates with ':'; such paths cannot be expressed.
  if (host.find(':') != std::string::npos || mount.container_path().find(':') != std::string::npos)
    throw invalid_argument(field + ": paths containing ':' cannot be bind-mounted through Docker");
  std::string options = mount.readonly() ? "ro" : "rw";
  switch (mount.propagation()) {
    case cri::PROPAGATION_PRIVATE: options += ",rprivate"; break;
    case cri::PROPAGATION_HOST_TO_CONTAINER: options += ",rslave"; break;
    case cri::PROPAGATION_BIDIRECTIONAL: options += ",rshared"; break;
    default:
      throw invalid_argument(field + ".propagation " + std::to_string(mount.propagation()) +
                             " is unknown");
  }
  if (mount.selinux_relabel()) options += ",Z";
  return host + ":" + mount.container_path() + ":" + options;
}

void set_user(const cri::LinuxContainerSecurityContext& security,
              docker::ContainerCreateRequest& request) {
  std::string user;
  if (security.has_run_as_user()) {
    if (security.run_as_user().value() < 0)
      throw invalid_argument(std::string(kSecurity) + ".run_as_user is negative");
    user = std::to_string(security.run_as_user().value());
  } else if (!security.run_as_username().empty()) {
    user = security.run_as_username();
  }
  if (security.has_run_as_group()) {
    if (user.empty())
      throw invalid_argument(std::string(kSecurity) +
                             ".run_as_group is set without run_as_user or run_as_username");
    if (security.run_as_group().value() < 0)
      throw invalid_argument(std::string(kSecurity) + ".run_as_group is negative");
    user += ":" + std::to_string(security.run_as_group().value());
  }
  request.user = user;  // "" = the image's USER
  for (auto group : security.supplemental_groups()) {
    if (group < 0) throw invalid_argument(std::string(kSecurity) + ".supplemental_groups has a negative group");
    request.host_config.group_add.push_back(std::to_string(group));
  }
}

void set_namespaces(const cri::NamespaceOption& namespaces, const ContainerSpecInputs& inputs,
                    docker::HostConfig& host) {
  const std::string sandbox = "container:" + inputs.sandbox_id;
  host.network_mode = sandbox;
  if (inputs.sandbox_host_network) host.uts_mode = "host";
  host.ipc_mode = inputs.sandbox_host_ipc ? "host" : sandbox;
  switch (namespaces.pid()) {
    case cri::POD: host.pid_mode = sandbox; break;
    case cri::CONTAINER: break;
    case cri::NODE: host.pid_mode = "host"; break;
    case cri::TARGET:
      if (namespaces.target_id().empty())
        throw invalid_argument(std::string(kSecurity) +
                               ".namespace_options.target_id is empty for PID mode TARGET");
      host.pid_mode = "container:" + namespaces.target_id();
      break;
    default:
      throw invalid_argument(std::string(kSecurity) + ".namespace_options.pid mode " +
                             std::to_string(namespaces.pid()) + " is unknown");
  }
}

std::optional<int> grace_seconds(const cri::ContainerConfig& config) {
  const auto it = config.annotations().find(common::kube::kTerminationGraceAnnotation);
  if (it == config.annotations().end()) return std::nullopt;
  try {
    std::size_t used = 0;
    const long value = std::stol(it->second, &used);
    if (used == it->second.size() && value >= 0 && value <= 24 * 3600) return static_cast<int>(value);
  } catch (const std::exception&) {
  }
  return std::nullopt;
}

}  // namespace

std::string container_log_path(const std::string& log_directory, const std::string& log_path) {
  if (log_directory.empty() || log_path.empty()) return "";
  const std::filesystem::path relative(log_path);
  if (relative.is_absolute())
    throw invalid_argument("config.log_path \"" + log_path +
                           "\" must be relative to the sandbox's log_directory");
  const auto normal = relative.lexically_normal();
  if (normal.empty() || *normal.begin() == ".." || normal == ".")
    throw invalid_argument("config.log_path \"" + log_path +
                           "\" escapes the sandbox's log_directory");
  return (std::filesystem::path(log_directory) / normal).string();
}

docker::ContainerCreateRequest container_create_request(const cri::ContainerConfig& config,
                                                        const ContainerSpecInputs& inputs) {
  if (!config.has_metadata()) throw invalid_argument("config.metadata is missing");
  const ContainerMetadata metadata = container_metadata_from(config.metadata(), "config.metadata");
  if (config.image().image().empty()) throw invalid_argument("config.image.image is empty");
  const std::string log_path = container_log_path(inputs.log_directory, config.log_path());

  docker::ContainerCreateRequest request;
  request.name = container_docker_name(metadata, inputs.pod);
  request.image = config.image().image();
  request.labels = container_docker_labels(metadata, inputs.pod, inputs.sandbox_id, log_path,
                                           to_label_map(config.labels()),
                                           to_label_map(config.annotations()));
  request.labels[std::string(label::kCreatedAt)] = std::to_string(inputs.created_at);
  request.labels[std::string(label::kImage)] = config.image().image();
  if (!config.image().user_specified_image().empty())
    request.labels[std::string(label::kUserImage)] = config.image().user_specified_image();

  request.entrypoint.assign(config.command().begin(), config.command().end());
  request.cmd.assign(config.args().begin(), config.args().end());
  request.working_dir = config.working_dir();
  for (int i = 0; i < config.envs_size(); ++i) {
    const auto& env = config.envs(i);
    if (env.key().empty()) throw invalid_argument(field_at("config.envs", i) + ".key is empty");
    request.env.push_back(env.key() + "=" + env.value());
  }
  request.open_stdin = config.stdin();
  request.stdin_once = config.stdin_once();
  request.tty = config.tty();
  if (config.stop_signal() != cri::RUNTIME_DEFAULT)
    request.stop_signal = cri::Signal_Name(config.stop_signal());
  request.stop_timeout = grace_seconds(config);

  auto& host = request.host_config;
  host.restart_policy = "no";
  for (int i = 0; i < config.mounts_size(); ++i)
    host.binds.push_back(bind_for(config.mounts(i), field_at("config.mounts", i)));

  const auto& linux = config.linux();
  host.resources = docker_resources(linux.resources(), "config.linux.resources");
  host.resources.cgroup_parent = inputs.sandbox_cgroup_parent;
  for (int i = 0; i < config.devices_size(); ++i) {
    const auto& device = config.devices(i);
    if (device.host_path().empty())
      throw invalid_argument(field_at("config.devices", i) + ".host_path is empty");
    docker::DeviceMapping mapping;
    mapping.path_on_host = device.host_path();
    mapping.path_in_container =
        device.container_path().empty() ? device.host_path() : device.container_path();
    if (!device.permissions().empty()) mapping.cgroup_permissions = device.permissions();
    host.resources.devices.push_back(std::move(mapping));
  }
  if (!host.resources.hugepage_limits.empty())
    request.labels[std::string(label::kHugepageLimits)] =
        format_hugepage_limits(host.resources.hugepage_limits);
  const auto wanted_oom = linux.resources().oom_score_adj();
  if (wanted_oom < -1000 || wanted_oom > 1000)
    throw invalid_argument("config.linux.resources.oom_score_adj " + std::to_string(wanted_oom) +
                           " is outside -1000..1000");
  host.oom_score_adj = std::max<int>(static_cast<int>(wanted_oom), inputs.oom_score_adj_floor);

  set_user(linux.security_context(), request);
  set_namespaces(linux.security_context().namespace_options(), inputs, host);
  return request;
}

}  // namespace shim
