// The RuntimeService's link to pod networking. With --network-plugin=cni
// the sandbox runs with Docker's network mode "none" and is attached here
// by CNI ADD on its pause process's network namespace; stop and remove
// detach it (DEL) from what the attachment store remembers, so that works
// after a restart too. Without CNI, Docker's bridge network does it all and
// these do nothing.
#include <filesystem>

#include <spdlog/spdlog.h>

#include "shim/network/cni_plugin_exec.h"
#include "shim/runtime/runtime_service.h"
#include "shim/server/call.h"

namespace shim {
namespace {

std::string protocol_name(cri::Protocol protocol) {
  switch (protocol) {
    case cri::UDP: return "udp";
    case cri::SCTP: return "sctp";
    default: return "tcp";
  }
}

std::string netns_of(int pid) { return "/proc/" + std::to_string(pid) + "/ns/net"; }

}  // namespace

std::string RuntimeService::pod_cidr() {
  std::lock_guard lock(facts_mutex_);
  return pod_cidr_;
}

void RuntimeService::attach_pod_network(const std::string& sandbox_id,
                                        const cri::PodSandboxConfig& config,
                                        const docker::CallOptions& options) {
  if (!cni_) return;
  if (config.linux().security_context().namespace_options().network() == cri::NODE) return;
  const auto inspect = docker_.inspect_container(sandbox_id, false, options);
  if (!inspect.state.running || inspect.state.pid <= 0)
    throw CriError(grpc::StatusCode::UNKNOWN,
                   "the sandbox's pause container " + sandbox_id + " is not running; no network namespace to attach");
  network::PodNetworkRequest request;
  request.sandbox_id = sandbox_id;
  request.netns = netns_of(inspect.state.pid);
  request.pod_namespace = config.metadata().namespace_();
  request.pod_name = config.metadata().name();
  request.pod_uid = config.metadata().uid();
  request.pod_cidr = pod_cidr();
  for (const auto& mapping : config.port_mappings()) {
    if (mapping.host_port() <= 0) continue;  // kubelet: no host port asked for
    request.port_mappings.push_back({mapping.host_port(), mapping.container_port(),
                                     protocol_name(mapping.protocol()), mapping.host_ip()});
  }
  const auto& dns = config.dns_config();
  request.dns.servers.assign(dns.servers().begin(), dns.servers().end());
  request.dns.searches.assign(dns.searches().begin(), dns.searches().end());
  request.dns.options.assign(dns.options().begin(), dns.options().end());
  try {
    cni_->attach(request);
  } catch (const network::CniPluginError& e) {
    throw CriError(grpc::StatusCode::UNKNOWN, "CNI ADD for sandbox " + sandbox_id + " failed: " + e.what());
  } catch (const std::system_error& e) {
    throw CriError(grpc::StatusCode::INTERNAL, "CNI ADD for sandbox " + sandbox_id + ": " + e.what());
  } catch (const std::runtime_error& e) {
    // No usable network config: the node's network is not ready.
    throw CriError(grpc::StatusCode::FAILED_PRECONDITION,
                   "cannot attach sandbox " + sandbox_id + " to a CNI network: " + e.what());
  }
}

void RuntimeService::detach_pod_network(const std::string& sandbox_id,
                                        const docker::CallOptions& options) {
  if (!cni_ || !cni_->attached(sandbox_id)) return;
  // The namespace while the pause process lives; "" once it is gone (the
  // plugins then release what lives outside it: leases, iptables rules).
  std::string netns;
  try {
    const auto inspect = docker_.inspect_container(sandbox_id, false, options);
    if (inspect.state.running && inspect.state.pid > 0 &&
        std::filesystem::exists(netns_of(inspect.state.pid)))
      netns = netns_of(inspect.state.pid);
  } catch (const docker::DockerError& e) {
    if (!e.not_found()) throw;
  }
  try {
    cni_->detach(sandbox_id, netns);
  } catch (const network::CniPluginError& e) {
    throw CriError(grpc::StatusCode::UNKNOWN, "CNI DEL for sandbox " + sandbox_id + " failed: " + e.what());
  }
}

std::optional<network::PodIps> RuntimeService::cni_pod_ips(const std::string& sandbox_id) const {
  if (!cni_) return std::nullopt;
  return cni_->pod_ips(sandbox_id);
}

}  // namespace shim
