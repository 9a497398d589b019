// Runs every probe of every pod (kubelet's prober.Manager): one ProbeWorker
// per container and probe kind, ticked once per periodSeconds, the first
// tick after a random part of the period so that many probes of one period
// do not all fire at once. One scheduler thread keeps the ticks' times; a
// few runner threads run them (a probe blocks for up to its timeout), and a
// worker whose last tick still runs skips a tick rather than run twice.
//
// Contract:
// - add_pod() starts the workers a pod's containers ask for; calling it
//   again for the same pod keeps workers whose probe is unchanged and
//   replaces the others. remove_pod() ends them and drops their results.
// - succeeded()/failed() read the latest counted result of a container's
//   probe by runtime container ID; `on_change(pod uid)` runs when one moves.
// - After a restart of the agent nothing is remembered: readiness starts as
//   Failure (not ready until the first success) and liveness as Success (no
//   kill because the agent restarted), as kubelet's probes start over.
// - Thread-safe; the destructor (or stop()) ends every thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <queue>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "agent/pod/probe_parser.h"
#include "agent/prober/probe_worker.h"
#include "agent/prober/results_cache.h"

namespace agent::prober {

class ProberManager {
 public:
  using OnChange = ResultsCache::OnChange;
  ProberManager(ProbeWorkerContext context, OnChange on_change, unsigned runners = 4);
  ~ProberManager();
  ProberManager(const ProberManager&) = delete;
  ProberManager& operator=(const ProberManager&) = delete;

  void add_pod(const pod::Pod& pod);
  void remove_pod(const std::string& uid);
  void stop();

  // Whether the container's probe of `kind` has counted a success (a
  // container whose probe has not run yet has not).
  bool succeeded(pod::ProbeKind kind, const std::string& container_id) const;
  // Whether it has counted a failure.
  bool failed(pod::ProbeKind kind, const std::string& container_id) const;

  std::size_t worker_count() const;

 private:
  struct Slot {
    std::unique_ptr<ProbeWorker> worker;
    bool running = false;  // a runner has its tick
    bool ended = false;    // removed, or its tick said it is done
  };
  using Key = std::tuple<std::string, std::string, pod::ProbeKind>;  // pod uid, container, kind
  using Clock = std::chrono::steady_clock;
  struct Due {
    Clock::time_point at;
    std::shared_ptr<Slot> slot;
    bool operator>(const Due& other) const { return at > other.at; }
  };

  ResultsCache& results(pod::ProbeKind kind);
  const ResultsCache& results(pod::ProbeKind kind) const;
  void schedule_locked(const std::shared_ptr<Slot>& slot, Clock::time_point at);
  void run_scheduler();
  void run_runner();

  ProbeWorkerContext context_;
  ResultsCache liveness_, readiness_, startup_;

  mutable std::mutex mutex_;
  std::condition_variable scheduler_cv_, runner_cv_;
  bool stopping_ = false;
  std::map<Key, std::shared_ptr<Slot>> slots_;
  std::priority_queue<Due, std::vector<Due>, std::greater<>> schedule_;
  std::deque<std::shared_ptr<Slot>> ready_;
  std::thread scheduler_;
  std::vector<std::thread> runners_;
};

}  // namespace agent::prober
