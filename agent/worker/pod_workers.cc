#include "agent/worker/pod_workers.h"

#include <spdlog/spdlog.h>

#include "common/logging.h"

namespace agent::worker {

namespace {
// A termination that failed (runtime down) is tried again after this.
constexpr std::chrono::seconds kTerminateRetry{2};
}  // namespace

PodWorkers::PodWorkers(PodSyncHandler& handler, std::size_t threads, std::chrono::milliseconds resync_period)
    : handler_(handler), resync_period_(resync_period) {
  for (std::size_t i = 0; i < threads; ++i) threads_.emplace_back([this] { run_worker(); });
  timer_ = std::thread([this] { run_timer(); });
}

PodWorkers::~PodWorkers() { stop(); }

void PodWorkers::enqueue_locked(const std::string& uid, PodWork& work) {
  if (work.running) {
    work.again = true;
    return;
  }
  if (work.queued) return;
  work.queued = true;
  ready_.push_back(uid);
  ready_cv_.notify_one();
}

void PodWorkers::update(const pod::Pod& pod) {
  std::lock_guard lock(mutex_);
  auto& work = pods_[pod.metadata.uid];
  if (work.removing) {
    work.readd = pod;  // runs once the removal is done
    return;
  }
  work.pod = pod;
  enqueue_locked(pod.metadata.uid, work);
}

void PodWorkers::remove(const pod::Pod& pod) {
  std::lock_guard lock(mutex_);
  auto& work = pods_[pod.metadata.uid];
  if (work.pod.metadata.uid.empty()) work.pod = pod;
  work.removing = true;
  work.readd.reset();
  enqueue_locked(pod.metadata.uid, work);
}

bool PodWorkers::remove_orphan(const pod::Pod& pod) {
  std::lock_guard lock(mutex_);
  if (pods_.count(pod.metadata.uid)) return false;
  auto& work = pods_[pod.metadata.uid];
  work.pod = pod;
  work.removing = true;
  enqueue_locked(pod.metadata.uid, work);
  return true;
}

void PodWorkers::wake(const std::string& uid) {
  std::lock_guard lock(mutex_);
  auto it = pods_.find(uid);
  if (it != pods_.end()) enqueue_locked(uid, it->second);
}

bool PodWorkers::same_name_terminating_locked(const std::string& uid, const pod::Pod& pod) const {
  for (const auto& [other_uid, other] : pods_)
    if (other_uid != uid && other.removing && other.pod.metadata.name == pod.metadata.name &&
        other.pod.metadata.namespace_ == pod.metadata.namespace_)
      return true;
  return false;
}

void PodWorkers::wake_same_name_locked(const pod::Pod& pod) {
  for (auto& [uid, work] : pods_)
    if (!work.removing && work.pod.metadata.name == pod.metadata.name &&
        work.pod.metadata.namespace_ == pod.metadata.namespace_)
      enqueue_locked(uid, work);
}

bool PodWorkers::known(const std::string& uid) const {
  std::lock_guard lock(mutex_);
  return pods_.count(uid) > 0;
}

void PodWorkers::run_worker() {
  std::unique_lock lock(mutex_);
  for (;;) {
    ready_cv_.wait(lock, [&] { return stopping_ || !ready_.empty(); });
    if (stopping_) return;
    const std::string uid = ready_.front();
    ready_.pop_front();
    auto it = pods_.find(uid);
    if (it == pods_.end()) continue;
    PodWork& work = it->second;
    work.queued = false;
    if (!work.removing && same_name_terminating_locked(uid, work.pod)) {
      // Kubelet's allowStaticPodStart: an edited manifest is a new UID with
      // the old name; it starts once the old pod is gone, or both would run
      // at once and share its host ports (containerd's portmap then keeps
      // the old pod's DNAT rule in front, and the port answers from the pod
      // being killed). The old pod's termination wakes this one.
      if (!work.waiting_for_name)
        spdlog::info("pod {}/{} ({}): waiting for the pod it replaces to be killed", work.pod.metadata.namespace_,
                     work.pod.metadata.name, uid);
      work.waiting_for_name = true;
      continue;
    }
    work.waiting_for_name = false;
    work.running = true;
    work.again = false;
    const pod::Pod pod = work.pod;
    const bool removing = work.removing;
    lock.unlock();

    std::optional<std::chrono::milliseconds> requeue;
    bool terminated = false;
    // In --log-format json every line of this sync names its pod as fields.
    const common::LogFieldScope log_fields(
        common::LogFields{{"pod", pod.metadata.name}, {"namespace", pod.metadata.namespace_}, {"pod_uid", uid}});
    try {
      if (removing) {
        terminated = handler_.terminate_pod(pod);
        if (!terminated) requeue = kTerminateRetry;
      } else {
        requeue = handler_.sync_pod(pod);
      }
    } catch (const std::exception& e) {
      spdlog::error("pod {}/{}: sync failed: {}", pod.metadata.namespace_, pod.metadata.name, e.what());
      requeue = kTerminateRetry;
    }

    lock.lock();
    it = pods_.find(uid);
    if (it == pods_.end()) continue;
    PodWork& done = it->second;
    done.running = false;
    if (terminated) {
      wake_same_name_locked(pod);
      if (!done.readd) {
        pods_.erase(it);
        continue;
      }
      done.pod = *done.readd;
      done.readd.reset();
      done.removing = false;
      enqueue_locked(uid, done);
      continue;
    }
    const auto delay = requeue ? *requeue : resync_period_;
    done.next_run = Clock::now() + std::max(delay, std::chrono::milliseconds(1));
    timer_cv_.notify_one();
    if (done.again) enqueue_locked(uid, done);
  }
}

void PodWorkers::run_timer() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    auto soonest = Clock::time_point::max();
    const auto now = Clock::now();
    for (auto& [uid, work] : pods_) {
      if (work.next_run <= now) {
        work.next_run = Clock::time_point::max();
        enqueue_locked(uid, work);
      } else {
        soonest = std::min(soonest, work.next_run);
      }
    }
    if (soonest == Clock::time_point::max())
      timer_cv_.wait(lock);
    else
      timer_cv_.wait_until(lock, soonest);
  }
}

void PodWorkers::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ && threads_.empty()) return;
    stopping_ = true;
  }
  ready_cv_.notify_all();
  timer_cv_.notify_all();
  for (auto& t : threads_) t.join();
  threads_.clear();
  if (timer_.joinable()) timer_.join();
}

}  // namespace agent::worker
