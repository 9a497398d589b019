// One logical worker per pod (kubelet's podWorkers): every piece of work for
// a pod (a spec change, a PLEG event, a resync, a back-off ending, its
// removal) runs serialised for that pod, while different pods run in
// parallel on a small thread pool. Work that arrives while the pod's sync
// runs is coalesced into one more sync after it.
//
// Contract:
// - update() and remove() take effect on the pod's next run; remove() wins
//   over any later wake() and the pod is forgotten once its termination ran,
//   unless update() brought the same UID back meanwhile: then it runs anew.
// - A pod is not synced while another UID of the same namespace and name is
//   being removed (an edited manifest): it runs once that removal is done.
// - A sync's requeue_after, and the periodic resync, schedule the next run.
// - stop() finishes the running syncs, runs no new ones, joins every thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "agent/pod/pod_spec.h"

namespace agent::worker {

class PodSyncHandler {
 public:
  virtual ~PodSyncHandler() = default;
  // Brings the pod to its spec; returns when it wants to look again (none:
  // at the next resync).
  virtual std::optional<std::chrono::milliseconds> sync_pod(const pod::Pod& pod) = 0;
  // Kills and removes everything of the pod; false to be retried later.
  virtual bool terminate_pod(const pod::Pod& pod) = 0;
};

class PodWorkers {
 public:
  PodWorkers(PodSyncHandler& handler, std::size_t threads, std::chrono::milliseconds resync_period);
  ~PodWorkers();

  void update(const pod::Pod& pod);
  void remove(const pod::Pod& pod);
  // remove() for a pod found in the runtime that no source names: does
  // nothing (false) when the workers already hold its UID, checked under
  // their lock, so a pod added meanwhile is never killed as an orphan.
  bool remove_orphan(const pod::Pod& pod);
  void wake(const std::string& uid);
  bool known(const std::string& uid) const;
  void stop();

 private:
  using Clock = std::chrono::steady_clock;
  struct PodWork {
    pod::Pod pod;
    bool removing = false;
    std::optional<pod::Pod> readd;  // the same UID added again while it was being removed
    bool queued = false;    // in ready_
    bool running = false;
    bool again = false;     // work arrived while running
    bool waiting_for_name = false;  // held back by a same-named pod being removed
    Clock::time_point next_run = Clock::time_point::max();
  };

  void enqueue_locked(const std::string& uid, PodWork& work);
  bool same_name_terminating_locked(const std::string& uid, const pod::Pod& pod) const;
  void wake_same_name_locked(const pod::Pod& pod);
  void run_worker();
  void run_timer();

  PodSyncHandler& handler_;
  const std::chrono::milliseconds resync_period_;
  mutable std::mutex mutex_;
  std::condition_variable ready_cv_, timer_cv_;
  std::map<std::string, PodWork> pods_;  // by uid
  std::deque<std::string> ready_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
  std::thread timer_;
};

}  // namespace agent::worker
