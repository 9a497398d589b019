#include "agent/eviction/eviction_manager.h"

#include <algorithm>
#include <cstdint>

#include <spdlog/spdlog.h>

#include "agent/eviction/eviction_message.h"
#include "agent/eviction/local_storage.h"

namespace agent::eviction {

namespace {

void rank_for(Signal signal, std::vector<pod::Pod>& pods, const PodUsages& usage, bool dedicated_image_fs) {
  switch (signal) {
    case Signal::MemoryAvailable:
    case Signal::AllocatableMemoryAvailable: rank_memory_pressure(pods, usage); break;
    case Signal::NodeFsAvailable:
    case Signal::ImageFsAvailable:
      rank_disk_pressure(pods, usage, DiskResource::Bytes, disk_parts(signal, dedicated_image_fs));
      break;
    case Signal::NodeFsInodesFree:
    case Signal::ImageFsInodesFree:
      rank_disk_pressure(pods, usage, DiskResource::Inodes, disk_parts(signal, dedicated_image_fs));
      break;
    case Signal::PidAvailable: rank_pid_pressure(pods); break;
  }
}

}  // namespace

EvictionManager::EvictionManager(EvictionConfig config, EvictionDeps deps)
    : config_(std::move(config)),
      deps_(std::move(deps)),
      tracker_(config_.thresholds, config_.transition_period) {}

EvictionManager::~EvictionManager() { stop(); }

ThresholdTracker::Clock::time_point EvictionManager::now() const {
  return deps_.now ? deps_.now() : ThresholdTracker::Clock::now();
}

NodePressure EvictionManager::pressure() const {
  std::lock_guard lock(mutex_);
  return pressure_;
}

void EvictionManager::start() {
  // Without thresholds the pods' own local storage limits are still
  // watched, as kubelet's LocalStorageCapacityIsolation does.
  if (config_.thresholds.empty()) spdlog::info("eviction manager: no thresholds; watching local storage limits only");
  thread_ = std::thread([this] { run(); });
}

void EvictionManager::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void EvictionManager::run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    lock.unlock();
    std::vector<pod::Pod> evicted;
    try {
      evicted = synchronize();
    } catch (const std::exception& e) {
      spdlog::error("eviction manager: {}", e.what());
    }
    if (!evicted.empty()) wait_for_cleanup(evicted);
    lock.lock();
    // After an eviction kubelet looks again at once: the pressure may need
    // another pod.
    if (evicted.empty()) cv_.wait_for(lock, config_.monitoring_period, [this] { return stopping_; });
  }
}

void EvictionManager::wait_for_cleanup(const std::vector<pod::Pod>& pods) {
  const auto deadline = std::chrono::steady_clock::now() + config_.cleanup_timeout;
  const auto all_cleaned_up = [this, &pods] {
    for (const auto& pod : pods)
      if (!deps_.pod_cleaned_up || !deps_.pod_cleaned_up(pod.metadata.uid)) return false;
    return true;
  };
  std::unique_lock lock(mutex_);
  while (!stopping_ && std::chrono::steady_clock::now() < deadline) {
    lock.unlock();
    const bool done = all_cleaned_up();
    lock.lock();
    if (done) return;
    cv_.wait_for(lock, std::chrono::milliseconds(200), [this] { return stopping_; });
  }
  if (!stopping_) spdlog::warn("eviction manager: evicted pods not cleaned up after their eviction; going on");
}

std::vector<pod::Pod> EvictionManager::evict_for_local_storage(const std::vector<pod::Pod>& pods,
                                                               std::optional<PodUsages>& usage) {
  std::vector<pod::Pod> evicted;
  // Most pods declare no such limit: then nothing is walked for them.
  if (std::none_of(pods.begin(), pods.end(), has_local_storage_limits)) return evicted;
  if (!usage) usage = deps_.pod_usage ? deps_.pod_usage(pods) : PodUsages{};
  const bool dedicated = deps_.dedicated_image_fs && deps_.dedicated_image_fs();
  for (const auto& violation : local_storage_violations(pods, *usage, dedicated)) {
    const auto& meta = violation.pod.metadata;
    spdlog::info("eviction manager: evicting pod {}/{} ({}), grace 0 s: {}", meta.namespace_, meta.name, meta.uid,
                 violation.message);
    if (deps_.evict_pod && deps_.evict_pod(violation.pod, 0, violation.message)) evicted.push_back(violation.pod);
  }
  return evicted;
}

bool EvictionManager::reclaim_node_resources(const Threshold& threshold, const Observation& observed) {
  if (deps_.reclaim_disk.empty() || condition_of(threshold.signal) != Condition::Disk) return false;
  // kubelet's signal-to-reclaim table: with a dedicated image filesystem,
  // dead containers and unused images free the image filesystem, not the
  // node's (whose pressure only evictions relieve).
  const bool nodefs = threshold.signal == Signal::NodeFsAvailable || threshold.signal == Signal::NodeFsInodesFree;
  if (nodefs && deps_.dedicated_image_fs && deps_.dedicated_image_fs()) return false;
  // Bytes short of the threshold plus its minimum reclaim; an inode
  // signal asks for everything that may go (kubelet's DeleteUnusedImages).
  const bool inodes = threshold.signal == Signal::NodeFsInodesFree || threshold.signal == Signal::ImageFsInodesFree;
  const int64_t wanted = inodes ? INT64_MAX
                                : resolve(threshold.value, observed.capacity) +
                                      resolve(threshold.min_reclaim, observed.capacity) - observed.available;
  for (const auto& reclaim : deps_.reclaim_disk) {
    try {
      const int64_t freed = reclaim(std::max<int64_t>(wanted, 0));
      spdlog::info("eviction manager: reclaimed {} of {} wanted for {}", freed, wanted, to_string(threshold.signal));
    } catch (const std::exception& e) {
      spdlog::warn("eviction manager: reclaiming for {} failed: {}", to_string(threshold.signal), e.what());
    }
  }
  // Cleared only when no threshold is met any more, minimum reclaim included.
  return ThresholdTracker::met(config_.thresholds, observe(deps_.read_node()), true).empty();
}

std::vector<pod::Pod> EvictionManager::synchronize() {
  const Observations observations = observe(deps_.read_node());
  const auto result = tracker_.update(observations, now());
  {
    std::lock_guard lock(mutex_);
    if (!(result.pressure == pressure_)) {
      std::string list;
      for (const auto& type : condition_types(result.pressure)) list += (list.empty() ? "" : " ") + type;
      spdlog::info("eviction manager: node conditions now [{}]", list);
    }
    pressure_ = result.pressure;
  }
  std::vector<pod::Pod> pods = deps_.active_pods ? deps_.active_pods() : std::vector<pod::Pod>{};
  std::optional<PodUsages> usage;  // read at most once a round, and only when needed
  // kubelet checks the pods' own storage limits before the node's
  // thresholds, and a round that evicted for them ends there.
  if (auto evicted = evict_for_local_storage(pods, usage); !evicted.empty()) return evicted;
  if (result.act_on.empty()) return {};

  const Threshold threshold = result.act_on.front();
  const auto observed = observations.find(threshold.signal);
  if (observed == observations.end()) return {};
  const std::string resource = resource_of(threshold.signal);
  spdlog::info("eviction manager: {} crossed (available {}, threshold {}); attempting to reclaim {}",
               to_string(threshold.signal), observed->second.available,
               resolve(threshold.value, observed->second.capacity), resource);
  if (deps_.node_event) deps_.node_event("EvictionThresholdMet", "Attempting to reclaim " + resource);

  if (reclaim_node_resources(threshold, observed->second)) {
    spdlog::info("eviction manager: reclaimed enough {} without evicting pods", resource);
    return {};
  }

  if (pods.empty()) {
    spdlog::warn("eviction manager: {} is short but no pod is active to evict", resource);
    return {};
  }
  if (!usage) usage = deps_.pod_usage ? deps_.pod_usage(pods) : PodUsages{};
  rank_for(threshold.signal, pods, *usage, deps_.dedicated_image_fs && deps_.dedicated_image_fs());

  for (const auto& pod : pods) {
    if (is_critical(pod)) {
      spdlog::warn("eviction manager: cannot evict critical pod {}/{}", pod.metadata.namespace_, pod.metadata.name);
      continue;
    }
    int64_t grace = 0;
    if (!threshold.hard()) {
      grace = pod.spec.termination_grace_period_seconds;
      if (config_.max_pod_grace_period_s > 0) grace = std::min(grace, config_.max_pod_grace_period_s);
    }
    const auto it = usage->find(pod.metadata.uid);
    const std::string message =
        eviction_message(threshold.signal, resolve(threshold.value, observed->second.capacity),
                         observed->second.available, pod, it == usage->end() ? nullptr : &it->second);
    spdlog::info("eviction manager: evicting pod {}/{} ({}), grace {} s: {}", pod.metadata.namespace_,
                 pod.metadata.name, pod.metadata.uid, grace, message);
    if (deps_.evict_pod && deps_.evict_pod(pod, grace, message)) return {pod};
  }
  spdlog::warn("eviction manager: unable to evict any pod for {}", resource);
  return {};
}

}  // namespace agent::eviction
