#include "agent/cm/container_manager.h"

#include <spdlog/spdlog.h>

namespace agent::cm {

ContainerManager::ContainerManager(ContainerManagerConfig config)
    : config_(std::move(config)),
      node_(compute_node_resources(config_.capacity, config_.kube_reserved, config_.system_reserved,
                                   config_.thresholds)),
      admitter_(node_.allocatable) {}

void ContainerManager::start() {
  if (!config_.cgroups_per_qos) return;
  std::lock_guard lock(mutex_);
  cgroups_ = std::make_unique<CgroupManager>(config_.cgroup_fs_root, config_.layout.driver);
  const ResourceConfig kubepods =
      kubepods_config(config_.capacity, config_.kube_reserved, config_.system_reserved, config_.enforce_pods);
  cgroups_->create(config_.layout.kubepods(), kubepods);
  qos_ = std::make_unique<QosContainerManager>(*cgroups_, config_.layout);
  qos_->start();
  pods_ = std::make_unique<PodContainerManager>(*cgroups_, config_.layout, config_.pod_pids_limit);
  spdlog::info("pod cgroups under {} ({} driver, cgroup {}): kubepods cpu.shares {}, memory limit {} bytes",
               config_.layout.path(config_.layout.kubepods()), to_string(config_.layout.driver),
               cgroups_->version() == CgroupVersion::V2 ? "v2" : "v1", kubepods.cpu_shares.value_or(0),
               kubepods.memory_limit_bytes.value_or(0));
}

std::string ContainerManager::cgroup_parent(const pod::Pod& pod) const {
  if (!config_.cgroups_per_qos) return {};
  return config_.layout.cgroup_parent(pod);
}

void ContainerManager::ensure_pod(const pod::Pod& pod) {
  if (!pods_) return;
  std::lock_guard lock(mutex_);
  pods_->ensure(pod);
  const bool burstable = pod_qos_class(pod) == QosClass::Burstable;
  const int64_t request = pod_requests(pod).cpu_milli;
  const auto it = burstable_cpu_.find(pod.metadata.uid);
  if (burstable && (it == burstable_cpu_.end() || it->second != request)) {
    burstable_cpu_[pod.metadata.uid] = request;
    update_qos_locked();
  }
}

bool ContainerManager::remove_pod(const std::string& uid) {
  if (!pods_) return true;
  std::lock_guard lock(mutex_);
  const bool gone = pods_->destroy(uid);
  if (burstable_cpu_.erase(uid)) update_qos_locked();
  return gone;
}

void ContainerManager::sweep(const std::function<bool(const std::string& uid)>& keep) {
  if (!pods_) return;
  std::lock_guard lock(mutex_);
  try {
    for (const auto& uid : pods_->pod_uids()) {
      if (keep(uid)) continue;
      burstable_cpu_.erase(uid);
      if (pods_->destroy(uid)) spdlog::info("pod {}: its cgroup outlived the pod; removed", uid);
      else spdlog::debug("pod {}: its orphaned cgroup still has tasks; trying again later", uid);
    }
    update_qos_locked();
  } catch (const std::exception& e) {
    spdlog::warn("pod cgroup cleanup: {}", e.what());
  }
}

void ContainerManager::update_qos_locked() {
  int64_t total = 0;
  for (const auto& [uid, request] : burstable_cpu_) total += request;
  qos_->update(total);
}

}  // namespace agent::cm
