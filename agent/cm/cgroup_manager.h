// Creates, updates and removes cgroups by writing the cgroup filesystem
// directly (kubelet's CgroupManager, pkg/kubelet/cm cgroup_manager_linux.go,
// without libcontainer).
//
// - cgroup v1 (no cgroup.controllers at the root): one hierarchy per mounted
//   controller directory (cpu, memory, pids, ...; "cpu,cpuacct" and its
//   links count once). A cgroup is made in every controller hierarchy (not
//   in named ones such as name=systemd, nor in the hybrid "unified" one),
//   as libcontainer's fs manager makes it; values go to cpu.shares,
//   cpu.cfs_period_us, cpu.cfs_quota_us, memory.limit_in_bytes, pids.max.
//   A new cpuset cgroup gets its parent's cpus and mems (the kernel leaves
//   them empty, and no task could join it then).
// - cgroup v2 (unified): one directory; the parent's cgroup.subtree_control
//   enables cpu, cpuset, io, memory, pids, hugetlb (those it has); values go
//   to cpu.weight (from shares, as runc converts them), cpu.max, memory.max,
//   pids.max.
// - The driver only spells the names (cgroup_name.h). With systemd, the
//   slices are made here as plain directories: node-agent does not ask a
//   systemd to make them (the hosts it runs on use cgroupfs), so a real
//   systemd would not know them.
//
// Contract: every method throws std::runtime_error naming the file and the
// cause when the filesystem refuses; destroy() is the exception for tasks
// still inside (EBUSY): it removes what it can, answers false, and the
// caller tries again later (kubelet's orphaned pod cgroup cleanup). Nothing
// here kills a process. Thread-safe as the filesystem is: callers serialise
// the changes of one cgroup.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "agent/cm/cgroup_name.h"
#include "agent/cm/pod_resources.h"

namespace agent::cm {

enum class CgroupVersion { V1, V2 };

class CgroupManager {
 public:
  // `fs_root` is where the cgroup filesystem is mounted (/sys/fs/cgroup);
  // tests pass a temporary directory laid out the same way. On a plain
  // directory, rmdir cannot remove a cgroup's files as cgroupfs does:
  // destroy() then removes them itself, and a non-empty cgroup.procs
  // stands for tasks inside.
  CgroupManager(std::string fs_root, CgroupDriver driver);

  CgroupVersion version() const { return version_; }
  CgroupDriver driver() const { return driver_; }
  // The cgroup's directory in the hierarchy of `controller` ("cpu",
  // "memory", "pids"; ignored on v2), e.g. /sys/fs/cgroup/cpu/kubepods.
  std::string directory(const std::string& controller, const CgroupName& name) const;

  bool exists(const CgroupName& name) const;
  // Makes the cgroup (and its missing ancestors) in every hierarchy, then
  // update(). Creating one that exists only updates it.
  void create(const CgroupName& name, const ResourceConfig& config);
  // Writes the set fields of `config`; unset ones are left alone.
  void update(const CgroupName& name, const ResourceConfig& config);
  // Removes the cgroup and every cgroup below it (deepest first) in every
  // hierarchy, named ones included (the runtime's container cgroups are
  // made there too). True when none is left.
  bool destroy(const CgroupName& name);
  // The names of the cgroups directly below `name` (in any hierarchy).
  std::set<std::string> children(const CgroupName& name) const;

 private:
  std::string relative(const CgroupName& name) const;  // the driver's path
  void make_v1(const CgroupName& name);
  void make_v2(const CgroupName& name);
  void update_v1(const CgroupName& name, const ResourceConfig& config);
  void update_v2(const CgroupName& name, const ResourceConfig& config);

  std::string fs_root_;
  CgroupDriver driver_;
  CgroupVersion version_ = CgroupVersion::V1;
  // v1: controller -> its hierarchy's mount directory ("cpuacct" and "cpu"
  // both to "cpu,cpuacct" where they share one).
  std::map<std::string, std::string> controllers_;
  std::vector<std::string> controller_hierarchies_;  // where cgroups are made
  std::vector<std::string> all_hierarchies_;         // where they are removed from
};

// cgroup v2's cpu.weight for v1 shares (runc's ConvertCPUSharesToCgroupV2Value):
// [2, 262144] onto [1, 10000]; 0 stays 0 (unset).
int64_t shares_to_weight(int64_t shares);

}  // namespace agent::cm
