// One cgroup per pod (kubelet's podContainerManager,
// pod_container_manager_linux.go): pod<uid> under its QoS cgroup, with the
// limits of pod_resource_config, made before the pod's sandbox so the
// runtime can place every container of the pod in it.
#pragma once

#include <cstdint>
#include <set>
#include <string>

#include "agent/cm/cgroup_manager.h"

namespace agent::cm {

class PodContainerManager {
 public:
  PodContainerManager(CgroupManager& cgroups, const CgroupLayout& layout, int64_t pod_pids_limit)
      : cgroups_(cgroups), layout_(layout), pod_pids_limit_(pod_pids_limit) {}

  // Makes the pod's cgroup if missing and (re)writes its limits.
  // Throws std::runtime_error.
  void ensure(const pod::Pod& pod);
  // Removes pod<uid> wherever it is (under any QoS cgroup), with the
  // runtime's container cgroups left in it; false when one still has tasks.
  bool destroy(const std::string& uid);
  // The UIDs that have a pod cgroup now.
  std::set<std::string> pod_uids() const;

 private:
  CgroupManager& cgroups_;
  CgroupLayout layout_;
  int64_t pod_pids_limit_;
};

}  // namespace agent::cm
