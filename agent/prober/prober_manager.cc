#include "agent/prober/prober_manager.h"

#include <random>
#include <set>

#include <spdlog/spdlog.h>

namespace agent::prober {

namespace {

constexpr pod::ProbeKind kKinds[] = {pod::ProbeKind::Startup, pod::ProbeKind::Liveness, pod::ProbeKind::Readiness};

}  // namespace

ProberManager::ProberManager(ProbeWorkerContext context, OnChange on_change, unsigned runners)
    : context_(std::move(context)), liveness_(on_change), readiness_(on_change), startup_(on_change) {
  scheduler_ = std::thread([this] { run_scheduler(); });
  for (unsigned i = 0; i < std::max(1u, runners); ++i) runners_.emplace_back([this] { run_runner(); });
}

ProberManager::~ProberManager() { stop(); }

void ProberManager::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  scheduler_cv_.notify_all();
  runner_cv_.notify_all();
  if (scheduler_.joinable()) scheduler_.join();
  for (auto& t : runners_)
    if (t.joinable()) t.join();
  std::lock_guard lock(mutex_);
  slots_.clear();
  ready_.clear();
  while (!schedule_.empty()) schedule_.pop();
}

ResultsCache& ProberManager::results(pod::ProbeKind kind) {
  return kind == pod::ProbeKind::Liveness ? liveness_ : kind == pod::ProbeKind::Readiness ? readiness_ : startup_;
}

const ResultsCache& ProberManager::results(pod::ProbeKind kind) const {
  return kind == pod::ProbeKind::Liveness ? liveness_ : kind == pod::ProbeKind::Readiness ? readiness_ : startup_;
}

bool ProberManager::succeeded(pod::ProbeKind kind, const std::string& container_id) const {
  return results(kind).get(container_id) == ProbeResult::Success;
}

bool ProberManager::failed(pod::ProbeKind kind, const std::string& container_id) const {
  return results(kind).get(container_id) == ProbeResult::Failure;
}

std::size_t ProberManager::worker_count() const {
  std::lock_guard lock(mutex_);
  return slots_.size();
}

void ProberManager::schedule_locked(const std::shared_ptr<Slot>& slot, Clock::time_point at) {
  const bool earliest = schedule_.empty() || at < schedule_.top().at;
  schedule_.push(Due{at, slot});
  if (earliest) scheduler_cv_.notify_one();
}

void ProberManager::add_pod(const pod::Pod& pod) {
  static thread_local std::mt19937 random{std::random_device{}()};
  std::lock_guard lock(mutex_);
  if (stopping_) return;
  std::set<Key> wanted;
  for (const auto& container : pod.spec.containers) {
    for (const auto kind : kKinds) {
      const auto& probe = pod::probe_of(container, kind);
      if (!probe) continue;
      const Key key{pod.metadata.uid, container.name, kind};
      wanted.insert(key);
      auto it = slots_.find(key);
      if (it != slots_.end() && !it->second->ended && it->second->worker->probe() == *probe) continue;
      if (it != slots_.end()) {
        it->second->ended = true;
        if (!it->second->running) it->second->worker.reset();
      }
      auto slot = std::make_shared<Slot>();
      slot->worker = std::make_unique<ProbeWorker>(context_, results(kind), startup_, pod, container, kind);
      slots_[key] = slot;
      // The first tick somewhere in the first period: probes of pods that
      // came together spread over it.
      const auto period = std::chrono::milliseconds(probe->period_seconds * 1000);
      std::uniform_int_distribution<long long> jitter(0, period.count() - 1);
      schedule_locked(slot, Clock::now() + std::chrono::milliseconds(jitter(random)));
    }
  }
  for (auto it = slots_.lower_bound(Key{pod.metadata.uid, "", pod::ProbeKind::Liveness});
       it != slots_.end() && std::get<0>(it->first) == pod.metadata.uid;) {
    if (wanted.count(it->first)) {
      ++it;
      continue;
    }
    it->second->ended = true;
    if (!it->second->running) it->second->worker.reset();
    it = slots_.erase(it);
  }
}

void ProberManager::remove_pod(const std::string& uid) {
  std::lock_guard lock(mutex_);
  for (auto it = slots_.lower_bound(Key{uid, "", pod::ProbeKind::Liveness});
       it != slots_.end() && std::get<0>(it->first) == uid;) {
    it->second->ended = true;
    if (!it->second->running) it->second->worker.reset();
    it = slots_.erase(it);
  }
}

void ProberManager::run_scheduler() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    if (schedule_.empty()) {
      scheduler_cv_.wait(lock);
      continue;
    }
    const auto at = schedule_.top().at;
    if (Clock::now() < at) {
      scheduler_cv_.wait_until(lock, at);
      continue;
    }
    std::shared_ptr<Slot> slot = schedule_.top().slot;
    schedule_.pop();
    if (slot->ended) continue;
    if (slot->running) {  // its last tick is still running: skip this one
      schedule_locked(slot, at + std::chrono::seconds(slot->worker->probe().period_seconds));
      continue;
    }
    slot->running = true;
    ready_.push_back(std::move(slot));
    runner_cv_.notify_one();
  }
}

void ProberManager::run_runner() {
  std::unique_lock lock(mutex_);
  while (true) {
    runner_cv_.wait(lock, [this] { return stopping_ || !ready_.empty(); });
    if (stopping_) return;
    std::shared_ptr<Slot> slot = std::move(ready_.front());
    ready_.pop_front();
    if (slot->ended) {
      slot->running = false;
      slot->worker.reset();
      continue;
    }
    const auto began = Clock::now();
    lock.unlock();
    bool keep = true;
    try {
      keep = slot->worker->tick();
    } catch (const std::exception& e) {
      spdlog::error("probe of container {}: {}", slot->worker->container_name(), e.what());
    }
    lock.lock();
    slot->running = false;
    if (!keep) slot->ended = true;
    if (slot->ended) {
      slot->worker.reset();
      continue;
    }
    schedule_locked(slot, began + std::chrono::seconds(slot->worker->probe().period_seconds));
  }
}

}  // namespace agent::prober
