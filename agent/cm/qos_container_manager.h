// The QoS cgroups (kubelet's qosContainerManager,
// qos_container_manager_linux.go): kubepods/burstable and
// kubepods/besteffort under kubepods (Guaranteed pods sit in kubepods
// itself), and their cpu shares as pods come and go:
//   besteffort: 2, the least the kernel gives;
//   burstable:  milli_cpu_to_shares(sum of the Burstable pods' cpu requests),
// so that under contention every Burstable pod keeps its request against
// BestEffort ones. (kubelet's memory QoS reservation, --qos-reserved, is
// an alpha feature and not offered.)
#pragma once

#include <cstdint>

#include "agent/cm/cgroup_manager.h"

namespace agent::cm {

class QosContainerManager {
 public:
  QosContainerManager(CgroupManager& cgroups, const CgroupLayout& layout) : cgroups_(cgroups), layout_(layout) {}

  // Makes both QoS cgroups (kubepods must exist). Throws std::runtime_error.
  void start();
  // kubelet's UpdateCgroups with the Burstable pods' total cpu request.
  // Throws std::runtime_error.
  void update(int64_t burstable_cpu_request_milli);

 private:
  CgroupManager& cgroups_;
  CgroupLayout layout_;
};

}  // namespace agent::cm
