#include "agent/cm/qos_container_manager.h"

namespace agent::cm {

namespace {

ResourceConfig besteffort_config() {
  ResourceConfig besteffort;
  besteffort.cpu_shares = kMinShares;
  return besteffort;
}

}  // namespace

void QosContainerManager::start() {
  writer_.ensure(to_string(QosClass::BestEffort), layout_.qos_cgroup(QosClass::BestEffort), besteffort_config());
  // No Burstable pod yet: the kernel's default shares until update().
  writer_.ensure(to_string(QosClass::Burstable), layout_.qos_cgroup(QosClass::Burstable), ResourceConfig{});
}

void QosContainerManager::update(int64_t burstable_cpu_request_milli) {
  writer_.ensure(to_string(QosClass::BestEffort), layout_.qos_cgroup(QosClass::BestEffort), besteffort_config());
  ResourceConfig burstable;
  burstable.cpu_shares = milli_cpu_to_shares(burstable_cpu_request_milli);
  writer_.ensure(to_string(QosClass::Burstable), layout_.qos_cgroup(QosClass::Burstable), burstable);
}

}  // namespace agent::cm
