#include "agent/cm/pod_resources.h"

#include <algorithm>

#include "agent/cm/qos_class.h"

namespace agent::cm {

namespace {

constexpr int64_t kMilliPerCpu = 1000;

PodResources of(const pod::ResourceList& list) {
  PodResources r;
  r.cpu_milli = list.cpu_milli.value_or(0);
  r.memory_bytes = list.memory_bytes.value_or(0);
  r.ephemeral_storage_bytes = list.ephemeral_storage_bytes.value_or(0);
  return r;
}

// Sum over the app containers, then the init containers' maximum rule.
template <typename Pick>
PodResources effective(const pod::Pod& pod, Pick pick) {
  PodResources total;
  for (const auto& c : pod.spec.containers) {
    const PodResources r = of(pick(c.resources));
    total.cpu_milli += r.cpu_milli;
    total.memory_bytes += r.memory_bytes;
    total.ephemeral_storage_bytes += r.ephemeral_storage_bytes;
  }
  for (const auto& c : pod.spec.init_containers) {
    const PodResources r = of(pick(c.resources));
    total.cpu_milli = std::max(total.cpu_milli, r.cpu_milli);
    total.memory_bytes = std::max(total.memory_bytes, r.memory_bytes);
    total.ephemeral_storage_bytes = std::max(total.ephemeral_storage_bytes, r.ephemeral_storage_bytes);
  }
  return total;
}

}  // namespace

int64_t milli_cpu_to_shares(int64_t milli_cpu) {
  if (milli_cpu <= 0) return kMinShares;
  return std::clamp(milli_cpu * kSharesPerCpu / kMilliPerCpu, kMinShares, kMaxShares);
}

int64_t milli_cpu_to_quota(int64_t milli_cpu, int64_t period_us) {
  if (milli_cpu <= 0) return 0;
  return std::max(milli_cpu * period_us / kMilliPerCpu, kMinQuotaUs);
}

PodResources pod_requests(const pod::Pod& pod) {
  return effective(pod, [](const pod::ResourceRequirements& r) -> const pod::ResourceList& { return r.requests; });
}

PodResources pod_limits(const pod::Pod& pod) {
  return effective(pod, [](const pod::ResourceRequirements& r) -> const pod::ResourceList& { return r.limits; });
}

ResourceConfig pod_resource_config(const pod::Pod& pod, int64_t pids_limit) {
  ResourceConfig config;
  if (pids_limit > 0) config.pids_limit = pids_limit;
  const QosClass qos = pod_qos_class(pod);
  if (qos == QosClass::BestEffort) {
    config.cpu_shares = kMinShares;
    return config;
  }
  const PodResources requests = pod_requests(pod);
  const PodResources limits = pod_limits(pod);
  // Only the app containers decide whether limits are declared: an init
  // container's limit does not bound the pod once it has run.
  bool cpu_limited = true, memory_limited = true;
  for (const auto& c : pod.spec.containers) {
    if (c.resources.limits.cpu_milli.value_or(0) == 0) cpu_limited = false;
    if (c.resources.limits.memory_bytes.value_or(0) == 0) memory_limited = false;
  }
  config.cpu_shares = milli_cpu_to_shares(requests.cpu_milli);
  if (qos == QosClass::Guaranteed || cpu_limited) {
    config.cpu_quota_us = milli_cpu_to_quota(limits.cpu_milli, kQuotaPeriodUs);
    config.cpu_period_us = kQuotaPeriodUs;
  }
  if (qos == QosClass::Guaranteed || memory_limited) config.memory_limit_bytes = limits.memory_bytes;
  return config;
}

}  // namespace agent::cm
