// The order pods are evicted in (kubelet's rankMemoryPressure,
// rankDiskPressureFunc, rankPIDPressure), from each pod's usage.
//
//   memory: usage above requests first, then lower priority, then the
//           larger usage minus requests
//   disk:   usage above requests (ephemeral-storage; none here, so any
//           usage) first, then lower priority, then the larger usage
//   pids:   lower priority first
// A pod without stats ranks before one with stats (kubelet: evict what
// cannot be measured). The sort is stable: equal pods keep their order.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "agent/pod/pod_spec.h"

namespace agent::eviction {

struct ContainerUsage {
  std::string name;
  std::optional<int64_t> memory_working_set;
  std::optional<int64_t> rootfs_bytes;   // the writable layer
  std::optional<int64_t> rootfs_inodes;
};

struct PodUsage {
  std::vector<ContainerUsage> containers;
  int64_t memory() const;       // the containers' working sets
  int64_t disk_bytes() const;   // their writable layers
  int64_t disk_inodes() const;
};
using PodUsages = std::map<std::string, PodUsage>;  // by pod uid

// kubelet's GetResourceRequestQuantity for memory: the containers' requests
// summed, or the largest init container's when that is larger.
int64_t memory_request(const pod::Pod& pod);
// spec.priority, 0 when unset.
int32_t priority(const pod::Pod& pod);
// kubelet's IsCriticalPod by priority: system-cluster-critical (2000000000)
// and above. (kubelet also counts every static pod; node-agent's pods from
// files and URLs are all static, so that rule would make them all immune.)
bool is_critical(const pod::Pod& pod);

enum class DiskResource { Bytes, Inodes };

void rank_memory_pressure(std::vector<pod::Pod>& pods, const PodUsages& usage);
void rank_disk_pressure(std::vector<pod::Pod>& pods, const PodUsages& usage, DiskResource resource);
void rank_pid_pressure(std::vector<pod::Pod>& pods);

}  // namespace agent::eviction
