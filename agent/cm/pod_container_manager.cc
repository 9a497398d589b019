#include "agent/cm/pod_container_manager.h"

namespace agent::cm {

namespace {

constexpr QosClass kClasses[] = {QosClass::Guaranteed, QosClass::Burstable, QosClass::BestEffort};

}  // namespace

bool PodContainerManager::ensure(const pod::Pod& pod) {
  const CgroupName name = layout_.pod_cgroup(pod_qos_class(pod), pod.metadata.uid);
  return writer_.ensure(pod.metadata.uid, name, pod_resource_config(pod, pod_pids_limit_));
}

bool PodContainerManager::destroy(const std::string& uid) {
  // Whatever is left of the cgroup, a later ensure makes and writes it anew.
  writer_.forget(uid);
  bool gone = true;
  for (QosClass qos : kClasses) {
    const CgroupName name = layout_.pod_cgroup(qos, uid);
    const std::string leaf = layout_.path(name).substr(layout_.path(name).rfind('/') + 1);
    if (!cgroups_.children(layout_.qos_cgroup(qos)).count(leaf)) continue;
    gone = cgroups_.destroy(name) && gone;
  }
  return gone;
}

std::set<std::string> PodContainerManager::pod_uids() const {
  std::set<std::string> uids;
  for (QosClass qos : kClasses)
    for (const auto& child : cgroups_.children(layout_.qos_cgroup(qos)))
      if (auto uid = pod_uid_of(child)) uids.insert(*uid);
  return uids;
}

}  // namespace agent::cm
