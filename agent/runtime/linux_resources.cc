// Requests and limits to cgroup values (kuberuntime_container_linux.go,
// helpers_linux.go), and the pod QoS class with its OOM score
// (pkg/apis/core/v1/helper/qos, pkg/kubelet/qos/policy.go).
#include <algorithm>
#include <map>
#include <string>

#include "agent/pod/quantity.h"  // pod::int128_t
#include "agent/runtime/cri_configs.h"

namespace agent::runtime {
namespace {

// cgroup v1 cpu.shares bounds and CFS quota bounds, as kubelet's cm package.
constexpr int64_t kMinShares = 2;
constexpr int64_t kMaxShares = 262144;
constexpr int64_t kSharesPerCpu = 1024;
constexpr int64_t kMilliCpuToCpu = 1000;
constexpr int64_t kQuotaPeriod = 100000;  // 100 ms, in µs
constexpr int64_t kMinQuota = 1000;       // 1 ms

constexpr int64_t kGuaranteedOomScoreAdj = -997;
constexpr int64_t kBestEffortOomScoreAdj = 1000;

int64_t milli_cpu_to_shares(int64_t milli) {
  if (milli <= 0) return kMinShares;
  const int64_t shares = milli * kSharesPerCpu / kMilliCpuToCpu;
  return std::clamp(shares, kMinShares, kMaxShares);
}

int64_t milli_cpu_to_quota(int64_t milli, int64_t period) {
  if (milli <= 0) return 0;
  return std::max(milli * period / kMilliCpuToCpu, kMinQuota);
}

}  // namespace

cri::LinuxContainerResources make_linux_resources(const pod::ResourceRequirements& resources) {
  cri::LinuxContainerResources out;
  // kubelet: shares from the request, or from the limit when there is no
  // request (the manifest parser already defaulted requests from limits).
  const int64_t cpu_request = resources.requests.cpu_milli.value_or(0);
  const int64_t cpu_for_shares = cpu_request == 0 ? resources.limits.cpu_milli.value_or(0) : cpu_request;
  out.set_cpu_shares(milli_cpu_to_shares(cpu_for_shares));
  if (resources.limits.cpu_milli && *resources.limits.cpu_milli > 0) {
    out.set_cpu_period(kQuotaPeriod);
    out.set_cpu_quota(milli_cpu_to_quota(*resources.limits.cpu_milli, kQuotaPeriod));
  }
  if (resources.limits.memory_bytes && *resources.limits.memory_bytes > 0)
    out.set_memory_limit_in_bytes(*resources.limits.memory_bytes);
  return out;
}

int64_t container_oom_score_adj(const pod::Pod& pod, const pod::Container& container, int64_t node_memory_bytes) {
  switch (pod_qos_class(pod)) {
    case QosClass::Guaranteed: return kGuaranteedOomScoreAdj;
    case QosClass::BestEffort: return kBestEffortOomScoreAdj;
    case QosClass::Burstable: break;
  }
  // A heuristic: the larger the share of the node's memory requested, the
  // lower the score; kept above Guaranteed's and below BestEffort's.
  int64_t score = kBestEffortOomScoreAdj;
  const int64_t request = container.resources.requests.memory_bytes.value_or(0);
  if (node_memory_bytes > 0) {
    const pod::int128_t scaled = static_cast<pod::int128_t>(1000) * request / node_memory_bytes;
    score = 1000 - static_cast<int64_t>(std::min<pod::int128_t>(scaled, 2000));
  }
  if (score < 1000 + kGuaranteedOomScoreAdj) return 1000 + kGuaranteedOomScoreAdj;
  if (score == kBestEffortOomScoreAdj) return score - 1;
  return score;
}

}  // namespace agent::runtime
