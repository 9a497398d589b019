#include "shim/sandbox/sandbox_spec.h"

#include <string_view>

#include "shim/server/call.h"
#include "shim/state/cri_metadata.h"
#include "shim/state/labels.h"
#include "shim/state/naming.h"

namespace shim {
namespace {

std::string protocol_name(cri::Protocol protocol) {
  switch (protocol) {
    case cri::TCP: return "tcp";
    case cri::UDP: return "udp";
    case cri::SCTP: return "sctp";
    default: break;
  }
  throw invalid_argument("config.port_mappings: unknown protocol " + std::to_string(protocol));
}

void add_port_mappings(const cri::PodSandboxConfig& config, docker::ContainerCreateRequest& request) {
  for (int i = 0; i < config.port_mappings_size(); ++i) {
    const auto& mapping = config.port_mappings(i);
    const std::string field = "config.port_mappings[" + std::to_string(i) + "]";
    if (mapping.container_port() <= 0 || mapping.container_port() > 65535)
      throw invalid_argument(field + ".container_port " + std::to_string(mapping.container_port()) +
                             " is not a port (1-65535)");
    if (mapping.host_port() < 0 || mapping.host_port() > 65535)
      throw invalid_argument(field + ".host_port " + std::to_string(mapping.host_port()) +
                             " is not a port (0-65535)");
    const std::string port =
        std::to_string(mapping.container_port()) + "/" + protocol_name(mapping.protocol());
    request.exposed_ports.push_back(port);
    if (mapping.host_port() == 0) continue;  // kubelet: no host port asked for
    request.host_config.port_bindings[port].push_back(
        docker::PortBinding{mapping.host_ip(), std::to_string(mapping.host_port())});
  }
}

// Docker's systemd driver wants a slice name, kubelet sends a path.
std::string cgroup_parent_for(const std::string& parent, const std::string& driver) {
  if (driver != "systemd") return parent;
  const auto slash = parent.find_last_of('/');
  return slash == std::string::npos ? parent : parent.substr(slash + 1);
}

std::string namespace_mode_name(cri::NamespaceMode mode) {
  return cri::NamespaceMode_Name(mode).empty() ? std::to_string(mode) : cri::NamespaceMode_Name(mode);
}

}  // namespace

docker::ContainerCreateRequest sandbox_create_request(const cri::PodSandboxConfig& config,
                                                      const SandboxSpecInputs& inputs) {
  if (!config.has_metadata()) throw invalid_argument("config.metadata is missing");
  const PodMetadata pod = pod_metadata_from(config.metadata(), "config.metadata");

  docker::ContainerCreateRequest request;
  request.name = sandbox_docker_name(pod);
  request.image = inputs.image;
  request.labels = sandbox_docker_labels(pod, to_label_map(config.labels()),
                                         to_label_map(config.annotations()));
  request.labels[std::string(label::kCreatedAt)] = std::to_string(inputs.created_at);
  if (!config.log_directory().empty())
    request.labels[std::string(label::kLogDirectory)] = config.log_directory();
  if (!inputs.runtime_handler.empty())
    request.labels[std::string(label::kRuntimeHandler)] = inputs.runtime_handler;

  auto& host = request.host_config;
  host.network_mode = "default";
  host.ipc_mode = "shareable";
  host.oom_score_adj = inputs.oom_score_adj;
  host.resources.cpu_shares = kSandboxCpuShares;
  host.shm_size = kSandboxShmBytes;
  host.restart_policy = "no";

  const auto& linux = config.linux();
  const auto& security = linux.security_context();
  const auto& namespaces = security.namespace_options();
  const bool host_network = namespaces.network() == cri::NODE;
  if (namespaces.network() != cri::POD && !host_network)
    throw invalid_argument("config.linux.security_context.namespace_options.network: mode " +
                           namespace_mode_name(namespaces.network()) +
                           " is not one a sandbox can have (POD or NODE)");
  if (host_network) {
    host.network_mode = "host";
    host.uts_mode = "host";  // a host-network pod sees the node's hostname, as with kubelet
  } else {
    request.hostname = config.hostname();
  }
  switch (namespaces.ipc()) {
    case cri::POD: break;
    case cri::NODE: host.ipc_mode = "host"; break;
    default:
      throw invalid_argument("config.linux.security_context.namespace_options.ipc: mode " +
                             namespace_mode_name(namespaces.ipc()) +
                             " is not one a sandbox can have (POD or NODE)");
  }
  switch (namespaces.pid()) {
    case cri::NODE: host.pid_mode = "host"; break;
    case cri::POD:
    case cri::CONTAINER: break;
    default:
      throw invalid_argument("config.linux.security_context.namespace_options.pid: mode " +
                             namespace_mode_name(namespaces.pid()) +
                             " is not one a sandbox can have (POD, CONTAINER or NODE)");
  }
  request.labels[std::string(label::kPidMode)] = cri::NamespaceMode_Name(namespaces.pid());

  if (!host_network) add_port_mappings(config, request);  // validates them in both modes
  if (!host_network && inputs.cni_network) {
    host.network_mode = "none";
    host.port_bindings.clear();
  }
  host.resources.cgroup_parent = cgroup_parent_for(linux.cgroup_parent(), inputs.cgroup_driver);
  for (const auto& [key, value] : linux.sysctls()) host.sysctls[key] = value;

  if (security.has_run_as_user()) {
    if (security.run_as_user().value() < 0)
      throw invalid_argument("config.linux.security_context.run_as_user is negative");
    request.user = std::to_string(security.run_as_user().value());
    if (security.has_run_as_group())
      request.user += ":" + std::to_string(security.run_as_group().value());
  } else if (security.has_run_as_group()) {
    throw invalid_argument(
        "config.linux.security_context.run_as_group is set without run_as_user");
  }
  for (auto group : security.supplemental_groups()) host.group_add.push_back(std::to_string(group));
  host.readonly_rootfs = security.readonly_rootfs();
  return request;
}

}  // namespace shim
