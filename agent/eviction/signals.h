// Eviction signals observed on the node itself (kubelet's
// makeSignalObservations, fed by what the summary API would hold): the pure
// arithmetic from readings to observations. signal_reader.h does the
// reading, through the node readers of stats/ that the summary uses too.
//
//   memory.available             = MemTotal - working set of the root memory cgroup
//   allocatableMemory.available  = node allocatable memory - working set of the pods' cgroup
//   nodefs.* / imagefs.*         = statfs of --root-dir / of the runtime's image filesystem
//   pid.available                = min(pid_max, threads-max) - tasks running now
//
// A working set is the cgroup's usage minus its inactive file pages (page
// cache the kernel can drop at once), as cadvisor computes it.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "agent/eviction/thresholds.h"

namespace agent::eviction {

struct Observation {
  int64_t available = 0;
  int64_t capacity = 0;  // what a percentage threshold is a fraction of
  bool operator==(const Observation&) const = default;
};
using Observations = std::map<Signal, Observation>;

struct FsReading {
  int64_t capacity_bytes = 0;
  int64_t available_bytes = 0;  // to unprivileged users (f_bavail)
  int64_t inodes = 0;
  int64_t inodes_free = 0;
};

// What one round of reading gave; a missing reading leaves its signals out
// (a threshold without an observation is never met, as in kubelet).
struct NodeReadings {
  std::optional<int64_t> memory_total;        // MemTotal
  std::optional<int64_t> root_working_set;    // the root memory cgroup
  std::optional<int64_t> allocatable_memory;  // node allocatable (capacity - reserved - hard threshold)
  std::optional<int64_t> pods_working_set;    // the kubepods cgroup (or the pods' sum)
  std::optional<FsReading> nodefs;
  std::optional<FsReading> imagefs;
  std::optional<int64_t> pid_max;             // min(kernel.pid_max, kernel.threads-max)
  std::optional<int64_t> tasks;               // processes and threads now
};

Observations observe(const NodeReadings& readings);

// Node allocatable memory as kubelet computes it: capacity minus the
// kube-reserved and system-reserved memory and the hard memory.available
// threshold (resolved against the capacity). Never below 0. Reserved maps
// are the --kube-reserved / --system-reserved flags (resource=quantity);
// throws std::invalid_argument for a memory value that is not a quantity.
int64_t allocatable_memory(int64_t capacity, const std::vector<std::pair<std::string, std::string>>& kube_reserved,
                           const std::vector<std::pair<std::string, std::string>>& system_reserved,
                           const std::vector<Threshold>& thresholds);

// kubelet's addAllocatableThresholds: with "pods" in
// --enforce-node-allocatable, each hard memory.available threshold is
// copied to allocatableMemory.available (appended after the others).
std::vector<Threshold> with_allocatable_thresholds(std::vector<Threshold> thresholds,
                                                   const std::vector<std::string>& enforce_node_allocatable);

}  // namespace agent::eviction
