// What a pod asks of the node, and the limits kubelet sets on its pod cgroup
// (pkg/kubelet/cm helpers_linux.go ResourceConfigForPod, MilliCPUToShares,
// MilliCPUToQuota; the pod requests of the scheduler's noderesources fit).
// Pure.
#pragma once

#include <cstdint>
#include <optional>

#include "agent/pod/pod_spec.h"

namespace agent::cm {

// cgroup v1 cpu.shares bounds (the kernel's), the CFS period kubelet uses
// (100 ms; --cpu-cfs-quota-period is not offered) and its smallest quota.
constexpr int64_t kMinShares = 2;
constexpr int64_t kMaxShares = 262144;
constexpr int64_t kSharesPerCpu = 1024;
constexpr int64_t kQuotaPeriodUs = 100000;
constexpr int64_t kMinQuotaUs = 1000;

// The pod cgroup's and each container's (runtime/linux_resources) values.
// 0 or less -> 2; else milli * 1024 / 1000 within [2, 262144].
int64_t milli_cpu_to_shares(int64_t milli_cpu);
// 0 or less -> 0 (no quota); else milli * period / 1000, at least 1000 µs.
int64_t milli_cpu_to_quota(int64_t milli_cpu, int64_t period_us);

// A pod's requests or limits: the sum over its app containers, raised to
// any single init container's value where that is larger (init containers
// run one at a time, before the app containers). Absent values count 0.
struct PodResources {
  int64_t cpu_milli = 0;
  int64_t memory_bytes = 0;
  int64_t ephemeral_storage_bytes = 0;
  bool operator==(const PodResources&) const = default;
};
PodResources pod_requests(const pod::Pod& pod);
PodResources pod_limits(const pod::Pod& pod);

// Values for one cgroup; an unset field is left as the kernel has it.
struct ResourceConfig {
  std::optional<int64_t> cpu_shares;
  std::optional<int64_t> cpu_quota_us;   // -1: no quota
  std::optional<int64_t> cpu_period_us;
  std::optional<int64_t> memory_limit_bytes;
  std::optional<int64_t> pids_limit;     // -1: no limit ("max")
  bool operator==(const ResourceConfig&) const = default;
};

// kubelet's ResourceConfigForPod (CFS quota enforced, no memory QoS):
// - Guaranteed: shares from the cpu requests, quota from the cpu limits
//   with the period, memory limit = the memory limits;
// - Burstable: shares from the cpu requests; quota and period only when
//   every app container limits cpu; memory limit only when every app
//   container limits memory;
// - BestEffort: shares 2, nothing else.
// `pids_limit` (--pod-max-pids) is set when above 0.
ResourceConfig pod_resource_config(const pod::Pod& pod, int64_t pids_limit);

}  // namespace agent::cm
