// UpdateRuntimeConfig: kubelet hands over the node's pod CIDR (the only
// field of RuntimeConfig). It is remembered; with CNI it reaches every
// later ADD as the ipRanges capability (host-local then allocates from it);
// Docker's bridge network has its own ranges, so there it is only kept (and
// shown in verbose Status). "" clears it; "a,b" is kubelet's dual-stack form.
#include <arpa/inet.h>

#include <spdlog/spdlog.h>

#include "shim/runtime/runtime_service.h"
#include "shim/server/call.h"

namespace shim {
namespace {

bool is_cidr(const std::string& text) {
  const auto slash = text.find('/');
  if (slash == std::string::npos || slash + 1 == text.size()) return false;
  const std::string address = text.substr(0, slash);
  const std::string prefix = text.substr(slash + 1);
  if (prefix.find_first_not_of("0123456789") != std::string::npos || prefix.size() > 3) return false;
  in6_addr buffer;
  if (inet_pton(AF_INET, address.c_str(), &buffer) == 1) return std::stoi(prefix) <= 32;
  if (inet_pton(AF_INET6, address.c_str(), &buffer) == 1) return std::stoi(prefix) <= 128;
  return false;
}

void check_pod_cidr(const std::string& cidrs) {
  std::size_t start = 0;
  while (start <= cidrs.size()) {
    auto end = cidrs.find(',', start);
    if (end == std::string::npos) end = cidrs.size();
    const std::string part = cidrs.substr(start, end - start);
    if (!is_cidr(part))
      throw invalid_argument("runtime_config.network_config.pod_cidr: '" + part +
                             "' is not a CIDR (address/prefix)");
    start = end + 1;
  }
}

}  // namespace

grpc::Status RuntimeService::UpdateRuntimeConfig(grpc::ServerContext*,
                                                 const cri::UpdateRuntimeConfigRequest* request,
                                                 cri::UpdateRuntimeConfigResponse*) {
  return run("UpdateRuntimeConfig", [&] {
    const std::string& cidr = request->runtime_config().network_config().pod_cidr();
    if (!cidr.empty()) check_pod_cidr(cidr);
    std::lock_guard lock(facts_mutex_);
    if (pod_cidr_ != cidr)
      spdlog::info("pod CIDR is now '{}'{}", cidr,
                   uses_cni() ? " (ipRanges of later CNI ADDs)" : " (kept; Docker's bridge has its own)");
    pod_cidr_ = cidr;
  });
}

}  // namespace shim
