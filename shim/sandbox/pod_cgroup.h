// The pod-level cgroup: the parent of the sandbox's and its containers'
// cgroups, named by the sandbox's cgroup_parent. UpdatePodSandboxResources
// writes the pod's limits there (resources plus overhead, as kubelet sizes a
// pod cgroup), so that a pod resized in place is held to its new size even
// when no kubelet manages the cgroup (node-agent, crictl).
//
// The directory of each controller is the parent of the sandbox process's own
// cgroup (stats/cgroup_paths.h finds that from /proc/<pid>/cgroup and the
// cgroup mounts), which holds for the cgroupfs and systemd drivers and for
// cgroup v1 and v2 alike.
//   v1: cpu.shares, cpu.cfs_period_us, cpu.cfs_quota_us, memory.limit_in_bytes,
//       cpuset.cpus, cpuset.mems
//   v2: cpu.weight (from shares, as runc converts), cpu.max, memory.max,
//       cpuset.cpus, cpuset.mems
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "docker-client/types.h"

namespace shim {

struct PodCgroupLimits {
  std::int64_t cpu_shares = 0, cpu_period = 0, cpu_quota = 0;  // 0: leave as it is
  std::int64_t memory = 0;
  std::string cpuset_cpus, cpuset_mems;
};

// What the pod cgroup gets for containers' `resources` plus the sandbox's
// `overhead`: shares, quota and memory add up (a quota or memory limit only
// when the containers have one); cpusets and the period are the resources'.
PodCgroupLimits pod_cgroup_limits(const docker::Resources& resources, const docker::Resources& overhead);

// cgroup v2's cpu.weight for v1 cpu.shares (runc's conversion).
std::uint64_t cpu_weight_for_shares(std::uint64_t shares);

// Writes every limit that is set into the pod cgroup of process `pid` (the
// sandbox's infra process); returns the files written. Throws
// std::runtime_error naming the file that could not be found or written.
// The /proc and mountinfo paths are the host's but for tests.
std::vector<std::string> write_pod_cgroup_limits(int pid, const PodCgroupLimits& limits,
                                                 const std::string& proc_root = "/proc",
                                                 const std::string& mountinfo = "/proc/self/mountinfo");

}  // namespace shim
