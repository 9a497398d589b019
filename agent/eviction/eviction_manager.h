// kubelet's eviction.Manager: every monitoring period it observes the
// node's signals, tracks the thresholds (threshold_tracker.h) and the node
// conditions; then
// - local storage eviction (local_storage.h): every pod over one of its
//   own local storage limits (an emptyDir sizeLimit, ephemeral-storage
//   limits) is evicted at once (grace 0), whatever the signals say; the
//   pods' usage is read for it only when some active pod declares such a
//   limit;
// - else, when a threshold acts, it reclaims node-level resources first
//   (disk: container GC, then image GC) and otherwise evicts ONE pod, the
//   first of kubelet's ranking that is not critical.
// It then waits (up to 30 s) for the evicted pods to be cleaned up before
// looking again, so one pressure does not take several pods.
//
// Everything outside the node's own files comes in as a callback, so the
// manager links against nothing but the pod model, and tests drive
// synchronize() with fixed observations and a fake clock.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "agent/eviction/node_pressure.h"
#include "agent/eviction/pod_ranking.h"
#include "agent/eviction/signals.h"
#include "agent/eviction/threshold_tracker.h"
#include "agent/eviction/thresholds.h"
#include "agent/pod/pod_spec.h"

namespace agent::eviction {

struct EvictionConfig {
  std::vector<Threshold> thresholds;                  // with_allocatable_thresholds applied
  std::chrono::milliseconds monitoring_period{10000};
  std::chrono::milliseconds transition_period{300000};
  int64_t max_pod_grace_period_s = 0;                 // soft evictions; 0: the pod's own
  std::chrono::milliseconds cleanup_timeout{30000};   // kubelet's podCleanupTimeout
};

// Frees at least `wanted` bytes if it can (INT64_MAX under an inode
// signal: all it may); returns what it freed. Container GC and image GC
// plug in here.
using ReclaimFunc = std::function<int64_t(int64_t wanted)>;

struct EvictionDeps {
  std::function<NodeReadings()> read_node;
  std::function<std::vector<pod::Pod>()> active_pods;  // pods that run (not terminal)
  // Each active pod's usage: CRI container stats with, for disk, the logs
  // and local volumes (pod_disk_usage.h).
  std::function<PodUsages(const std::vector<pod::Pod>& active)> pod_usage;
  // Whether the image filesystem is not the node's (--root-dir's): the
  // writable layers then count for imagefs only. Unset: one filesystem.
  std::function<bool()> dedicated_image_fs;
  // Starts the pod's eviction: killed with `grace_seconds`, then Failed with
  // reason Evicted and `message`. False when it could not be (then the next
  // pod of the ranking is tried).
  std::function<bool(const pod::Pod& pod, int64_t grace_seconds, const std::string& message)> evict_pod;
  // Whether an evicted pod's containers are all stopped.
  std::function<bool(const std::string& uid)> pod_cleaned_up;
  // A Warning event about the node (EvictionThresholdMet).
  std::function<void(const std::string& reason, const std::string& message)> node_event;
  // Tried in order under disk pressure: for nodefs and imagefs signals on
  // one filesystem, for imagefs signals only when the image filesystem is
  // a dedicated one (kubelet's buildSignalToNodeReclaimFuncs).
  std::vector<ReclaimFunc> reclaim_disk;
  std::function<ThresholdTracker::Clock::time_point()> now;  // unset: steady_clock
};

class EvictionManager {
 public:
  EvictionManager(EvictionConfig config, EvictionDeps deps);
  ~EvictionManager();

  void start();  // the monitoring thread
  void stop();   // joins it; an eviction waiting for cleanup ends its wait

  // One round (kubelet's synchronize): returns the pods it evicted (one at
  // most for a threshold; every violator for local storage).
  std::vector<pod::Pod> synchronize();

  NodePressure pressure() const;

 private:
  void run();
  // Reclaims for `threshold` with the disk callbacks; true when every
  // threshold is then clear (with its minimum reclaim): no eviction needed.
  bool reclaim_node_resources(const Threshold& threshold, const Observation& observed);
  // kubelet's localStorageEviction over `pods`, reading `usage` (once) if needed.
  std::vector<pod::Pod> evict_for_local_storage(const std::vector<pod::Pod>& pods,
                                                std::optional<PodUsages>& usage);
  void wait_for_cleanup(const std::vector<pod::Pod>& pods);
  ThresholdTracker::Clock::time_point now() const;

  EvictionConfig config_;
  EvictionDeps deps_;
  ThresholdTracker tracker_;  // used by the monitoring thread only

  mutable std::mutex mutex_;
  std::condition_variable cv_;
  NodePressure pressure_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace agent::eviction
