// make_sandbox_config (cri_configs.h): kubelet's generatePodSandboxConfig and
// generatePodSandboxLinuxConfig.
#include <set>
#include <string>

#include "agent/runtime/cri_configs.h"
#include "agent/runtime/dns_config.h"
#include "agent/runtime/runtime_labels.h"
#include "agent/runtime/security_context.h"

namespace agent::runtime {
namespace {

constexpr std::size_t kMaxHostnameLength = 63;  // a DNS label

// GeneratePodHostNameAndDomain: spec.hostname, else the pod's name, cut to a
// DNS label without a trailing '-' or '.'. The subdomain only makes the
// FQDN (setHostnameAsFQDN, not supported), so it does not show here.
std::string pod_hostname(const pod::Pod& pod) {
  std::string name = pod.spec.hostname.empty() ? pod.metadata.name : pod.spec.hostname;
  if (name.size() > kMaxHostnameLength) {
    name.resize(kMaxHostnameLength);
    while (!name.empty() && (name.back() == '-' || name.back() == '.')) name.pop_back();
  }
  return name;
}

cri::Protocol cri_protocol(pod::Protocol p) {
  switch (p) {
    case pod::Protocol::TCP: return cri::TCP;
    case pod::Protocol::UDP: return cri::UDP;
    case pod::Protocol::SCTP: return cri::SCTP;
  }
  return cri::TCP;
}

// MakePortMappings over the app containers: every port (a mapping without
// hostPort only exposes it), each name once per container; unnamed ports are
// named by family, protocol, host IP and ports so exact duplicates drop.
void add_port_mappings(const pod::Pod& pod, cri::PodSandboxConfig& config) {
  for (const auto& container : pod.spec.containers) {
    std::set<std::string> names;
    for (const auto& port : container.ports) {
      std::string name = port.name;
      if (name.empty()) {
        const std::string family = port.host_ip.empty() ? "any"
                                   : port.host_ip.find(':') != std::string::npos ? "v6" : "v4";
        name = family + "-" + pod::to_string(port.protocol) + "-" + port.host_ip + ":" +
               std::to_string(port.container_port) + ":" + std::to_string(port.host_port);
      }
      if (!names.insert(name).second) continue;
      cri::PortMapping* mapping = config.add_port_mappings();
      mapping->set_protocol(cri_protocol(port.protocol));
      mapping->set_container_port(port.container_port);
      mapping->set_host_port(port.host_port);
      mapping->set_host_ip(port.host_ip);
    }
  }
}

}  // namespace

cri::PodSandboxConfig make_sandbox_config(const pod::Pod& pod, uint32_t attempt, const AgentPaths& paths,
                                          const NodeContext& node) {
  cri::PodSandboxConfig config;
  cri::PodSandboxMetadata* metadata = config.mutable_metadata();
  metadata->set_name(pod.metadata.name);
  metadata->set_namespace_(pod.metadata.namespace_);
  metadata->set_uid(pod.metadata.uid);
  metadata->set_attempt(attempt);

  // On the host network the pod sees the node's hostname.
  if (!pod.spec.host_network) config.set_hostname(pod_hostname(pod));
  config.set_log_directory(paths.pod_log_dir(pod));
  *config.mutable_dns_config() = make_dns_config(pod, node);
  add_port_mappings(pod, config);

  for (const auto& [k, v] : sandbox_labels(pod)) (*config.mutable_labels())[k] = v;
  for (const auto& [k, v] : sandbox_annotations(pod)) (*config.mutable_annotations())[k] = v;

  // The pod's cgroup (cm/ made it before this sandbox); empty: the
  // runtime's default parent.
  if (node.cgroup_parent) config.mutable_linux()->set_cgroup_parent(node.cgroup_parent(pod));
  *config.mutable_linux()->mutable_security_context() = make_sandbox_security_context(pod);
  return config;
}

}  // namespace agent::runtime
