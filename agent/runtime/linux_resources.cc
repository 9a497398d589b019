// Requests and limits to cgroup values (kuberuntime_container_linux.go,
// helpers_linux.go), and the pod QoS class with its OOM score
// (pkg/apis/core/v1/helper/qos, pkg/kubelet/qos/policy.go).
#include <algorithm>
#include <map>
#include <string>

#include "agent/cm/pod_resources.h"
#include "agent/pod/quantity.h"  // pod::int128_t
#include "agent/runtime/cri_configs.h"

namespace agent::runtime {
namespace {

constexpr int64_t kGuaranteedOomScoreAdj = -997;
constexpr int64_t kBestEffortOomScoreAdj = 1000;

}  // namespace

cri::LinuxContainerResources make_linux_resources(const pod::ResourceRequirements& resources) {
  cri::LinuxContainerResources out;
  // kubelet: shares from the request, or from the limit when there is no
  // request (the manifest parser already defaulted requests from limits).
  const int64_t cpu_request = resources.requests.cpu_milli.value_or(0);
  const int64_t cpu_for_shares = cpu_request == 0 ? resources.limits.cpu_milli.value_or(0) : cpu_request;
  // The pod cgroup's values and the container's follow the same rules.
  out.set_cpu_shares(cm::milli_cpu_to_shares(cpu_for_shares));
  if (resources.limits.cpu_milli && *resources.limits.cpu_milli > 0) {
    out.set_cpu_period(cm::kQuotaPeriodUs);
    out.set_cpu_quota(cm::milli_cpu_to_quota(*resources.limits.cpu_milli, cm::kQuotaPeriodUs));
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
