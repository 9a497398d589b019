#include "agent/cm/qos_container_manager.h"

namespace agent::cm {

void QosContainerManager::start() {
  ResourceConfig besteffort;
  besteffort.cpu_shares = kMinShares;
  cgroups_.create(layout_.qos_cgroup(QosClass::BestEffort), besteffort);
  // No Burstable pod yet: the kernel's default shares until update().
  cgroups_.create(layout_.qos_cgroup(QosClass::Burstable), ResourceConfig{});
}

void QosContainerManager::update(int64_t burstable_cpu_request_milli) {
  ResourceConfig besteffort;
  besteffort.cpu_shares = kMinShares;
  cgroups_.update(layout_.qos_cgroup(QosClass::BestEffort), besteffort);
  ResourceConfig burstable;
  burstable.cpu_shares = milli_cpu_to_shares(burstable_cpu_request_milli);
  cgroups_.update(layout_.qos_cgroup(QosClass::Burstable), burstable);
}

}  // namespace agent::cm
