#include "shim/sandbox/sandbox_view.h"

#include "common/rfc3339.h"
#include "shim/server/call.h"
#include "shim/state/cri_metadata.h"
#include "shim/state/labels.h"

namespace shim {
namespace {

std::string label_or(const docker::Labels& labels, std::string_view key, std::string fallback = "") {
  const auto it = labels.find(std::string(key));
  return it == labels.end() ? fallback : it->second;
}

std::string pod_ip(const docker::NetworkSettings& network) {
  if (!network.ip_address.empty()) return network.ip_address;
  for (const auto& [name, endpoint] : network.networks)
    if (!endpoint.ip_address.empty()) return endpoint.ip_address;
  return "";
}

std::string pod_ipv6(const docker::NetworkSettings& network) {
  if (!network.global_ipv6_address.empty()) return network.global_ipv6_address;
  for (const auto& [name, endpoint] : network.networks)
    if (!endpoint.global_ipv6_address.empty()) return endpoint.global_ipv6_address;
  return "";
}

cri::NamespaceMode pid_mode(const docker::ContainerInspect& inspect) {
  if (inspect.host_config.pid_mode == "host") return cri::NODE;
  cri::NamespaceMode mode = cri::CONTAINER;
  const std::string asked = label_or(inspect.config.labels, label::kPidMode);
  if (!asked.empty() && cri::NamespaceMode_Parse(asked, &mode) && mode != cri::NODE) return mode;
  return cri::CONTAINER;
}

}  // namespace

cri::PodSandboxState sandbox_state(const docker::ContainerState& state) {
  return state.running && !state.restarting ? cri::SANDBOX_READY : cri::SANDBOX_NOTREADY;
}

void fill_sandbox_status(const docker::ContainerInspect& inspect, cri::PodSandboxStatus* status) {
  const auto metadata = sandbox_metadata(inspect.config.labels, inspect.name);
  if (!metadata)
    throw CriError(grpc::StatusCode::INTERNAL,
                   "sandbox " + inspect.id + " carries no pod metadata in its labels or name");
  status->set_id(inspect.id);
  copy_to_proto(*metadata, status->mutable_metadata());
  status->set_state(sandbox_state(inspect.state));
  status->set_created_at(created_at_from(
      inspect.config.labels, common::try_parse_rfc3339_nanos(inspect.created).value_or(0)));

  const bool host_network = inspect.host_config.network_mode == "host";
  if (!host_network && inspect.state.running) {
    status->mutable_network()->set_ip(pod_ip(inspect.network_settings));
    if (const auto v6 = pod_ipv6(inspect.network_settings); !v6.empty())
      status->mutable_network()->add_additional_ips()->set_ip(v6);
  } else {
    status->mutable_network();
  }
  auto* options = status->mutable_linux()->mutable_namespaces()->mutable_options();
  options->set_network(host_network ? cri::NODE : cri::POD);
  options->set_ipc(inspect.host_config.ipc_mode == "host" ? cri::NODE : cri::POD);
  options->set_pid(pid_mode(inspect));

  const CriLabels cri = split_docker_labels(inspect.config.labels);
  copy_to_proto(cri.labels, status->mutable_labels());
  copy_to_proto(cri.annotations, status->mutable_annotations());
  status->set_runtime_handler(label_or(inspect.config.labels, label::kRuntimeHandler));
}

bool fill_pod_sandbox(const docker::ContainerInspect& inspect, cri::PodSandbox* out) {
  const auto metadata = sandbox_metadata(inspect.config.labels, inspect.name);
  if (!metadata) return false;
  out->set_id(inspect.id);
  copy_to_proto(*metadata, out->mutable_metadata());
  out->set_state(sandbox_state(inspect.state));
  out->set_created_at(created_at_from(
      inspect.config.labels, common::try_parse_rfc3339_nanos(inspect.created).value_or(0)));
  const CriLabels cri = split_docker_labels(inspect.config.labels);
  copy_to_proto(cri.labels, out->mutable_labels());
  copy_to_proto(cri.annotations, out->mutable_annotations());
  out->set_runtime_handler(label_or(inspect.config.labels, label::kRuntimeHandler));
  return true;
}

}  // namespace shim
