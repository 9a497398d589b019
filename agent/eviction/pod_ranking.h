// The order pods are evicted in (kubelet's rankMemoryPressure,
// rankDiskPressureFunc, rankPIDPressure), from each pod's usage.
//
//   memory: usage above requests first, then lower priority, then the
//           larger usage minus requests
//   disk:   usage above the pod's ephemeral-storage requests first, then
//           lower priority, then the larger usage minus requests (inodes
//           against the same request, as kubelet), counting the parts of
//           the pod's usage the signal's filesystem holds (DiskParts)
//   pids:   lower priority first
// A pod without stats ranks before one with stats (kubelet: evict what
// cannot be measured). The sort is stable: equal pods keep their order.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "agent/eviction/thresholds.h"
#include "agent/pod/pod_spec.h"

namespace agent::eviction {

struct ContainerUsage {
  std::string name;
  std::optional<int64_t> memory_working_set;
  std::optional<int64_t> rootfs_bytes;   // the writable layer
  std::optional<int64_t> rootfs_inodes;
  std::optional<int64_t> logs_bytes = std::nullopt;  // its log directory (every restart's file)
  std::optional<int64_t> logs_inodes = std::nullopt;
};

// One of the pod's volumes that lives on the node's disk (pod_disk_usage.h:
// emptyDir without medium Memory, configMap, downwardAPI; kubelet's local
// ephemeral volumes), as measured.
struct VolumeUsage {
  std::string name;
  int64_t bytes = 0;
  int64_t inodes = 0;
};

// The parts of a pod's disk usage a signal counts (kubelet's fsStatsType
// sets): all three on one shared filesystem; with a dedicated image
// filesystem, nodefs holds the logs and volumes and imagefs the writable
// layers.
struct DiskParts {
  bool writable_layers = true;
  bool logs = true;
  bool volumes = true;
  bool operator==(const DiskParts&) const = default;
};
// kubelet's choice per disk signal (buildSignalToRankFunc).
DiskParts disk_parts(Signal signal, bool dedicated_image_fs);

struct PodUsage {
  std::vector<ContainerUsage> containers;
  std::vector<VolumeUsage> volumes = {};
  int64_t memory() const;  // the containers' working sets
  int64_t disk_bytes(DiskParts parts = {}) const;
  int64_t disk_inodes(DiskParts parts = {}) const;
};
using PodUsages = std::map<std::string, PodUsage>;  // by pod uid

// kubelet's GetResourceRequestQuantity for memory: the containers' requests
// summed, or the largest init container's when that is larger.
int64_t memory_request(const pod::Pod& pod);
// ... and for ephemeral-storage.
int64_t ephemeral_storage_request(const pod::Pod& pod);
// spec.priority, 0 when unset.
int32_t priority(const pod::Pod& pod);
// kubelet's IsCriticalPod by priority: system-cluster-critical (2000000000)
// and above. (kubelet also counts every static pod; node-agent's pods from
// files and URLs are all static, so that rule would make them all immune.)
bool is_critical(const pod::Pod& pod);

enum class DiskResource { Bytes, Inodes };

void rank_memory_pressure(std::vector<pod::Pod>& pods, const PodUsages& usage);
void rank_disk_pressure(std::vector<pod::Pod>& pods, const PodUsages& usage, DiskResource resource,
                        DiskParts parts = {});
void rank_pid_pressure(std::vector<pod::Pod>& pods);

}  // namespace agent::eviction
