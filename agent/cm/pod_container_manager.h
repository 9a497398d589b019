// One cgroup per pod (kubelet's podContainerManager,
// pod_container_manager_linux.go): pod<uid> under its QoS cgroup, with the
// limits of pod_resource_config, made before the pod's sandbox so the
// runtime can place every container of the pod in it. Its limits are
// written when they change (cgroup_value_writer.h), not on every sync.
// Not thread-safe: ContainerManager serialises the calls.
#pragma once

#include <cstdint>
#include <set>
#include <string>

#include "agent/cm/cgroup_manager.h"
#include "agent/cm/cgroup_value_writer.h"

namespace agent::cm {

class PodContainerManager {
 public:
  PodContainerManager(CgroupManager& cgroups, const CgroupLayout& layout, int64_t pod_pids_limit)
      : cgroups_(cgroups), layout_(layout), pod_pids_limit_(pod_pids_limit), writer_(cgroups) {}

  // Makes the pod's cgroup if missing and writes its limits unless they
  // are those last written there. True when it wrote. Throws
  // std::runtime_error (and writes again at the next call).
  bool ensure(const pod::Pod& pod);
  // Removes pod<uid> wherever it is (under any QoS cgroup), with the
  // runtime's container cgroups left in it; false when one still has tasks.
  // What was written for the pod is forgotten either way.
  bool destroy(const std::string& uid);
  // The UIDs that have a pod cgroup now.
  std::set<std::string> pod_uids() const;

 private:
  CgroupManager& cgroups_;
  CgroupLayout layout_;
  int64_t pod_pids_limit_;
  CgroupValueWriter writer_;  // by pod UID
};

}  // namespace agent::cm
