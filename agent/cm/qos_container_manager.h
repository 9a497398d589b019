// The QoS cgroups (kubelet's qosContainerManager,
// qos_container_manager_linux.go): kubepods/burstable and
// kubepods/besteffort under kubepods (Guaranteed pods sit in kubepods
// itself), and their cpu shares as pods come and go:
//   besteffort: 2, the least the kernel gives;
//   burstable:  milli_cpu_to_shares(sum of the Burstable pods' cpu requests),
// so that under contention every Burstable pod keeps its request against
// BestEffort ones. (kubelet's memory QoS reservation, --qos-reserved, is
// an alpha feature and not offered.) Shares are written when they change
// (cgroup_value_writer.h), not at every update; a QoS cgroup removed behind
// the agent's back is made again at the next update.
// Not thread-safe: ContainerManager serialises the calls.
#pragma once

#include <cstdint>

#include "agent/cm/cgroup_manager.h"
#include "agent/cm/cgroup_value_writer.h"

namespace agent::cm {

class QosContainerManager {
 public:
  QosContainerManager(CgroupManager& cgroups, const CgroupLayout& layout) : layout_(layout), writer_(cgroups) {}

  // Makes both QoS cgroups (kubepods must exist). Throws std::runtime_error.
  void start();
  // kubelet's UpdateCgroups with the Burstable pods' total cpu request.
  // Throws std::runtime_error.
  void update(int64_t burstable_cpu_request_milli);

 private:
  CgroupLayout layout_;
  CgroupValueWriter writer_;  // by QoS class
};

}  // namespace agent::cm
