// The relisting PLEG (kubelet's GenericPLEG): a thread that lists the
// runtime's managed sandboxes and containers, compares them with the last
// good list (relist_diff.h) and emits the differences.
//
// Contract: the first successful relist is the baseline and emits nothing; a
// failed relist keeps the last good snapshot, so the next one reports every
// change since. Each relist's duration is observed into
// node_agent_pleg_relist_duration_seconds. The period is asked of `period()`
// before every wait, so the owner can slow the loop down (evented mode) and
// wake() it to relist at once.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>

#include "agent/pleg/pleg.h"
#include "agent/pleg/relist_diff.h"

namespace agent::pleg {

class GenericPleg {
 public:
  using Clock = std::chrono::steady_clock;
  using Emit = std::function<void(const PodLifecycleEvent&)>;

  GenericPleg(remote::CriClient& cri, common::metrics::Registry& metrics);
  ~GenericPleg();  // stop()

  void start(Emit emit, std::function<std::chrono::milliseconds()> period);
  void stop();
  void wake();  // relist now (e.g. the event stream just broke)

  // One relist, on the caller's thread (one caller at a time: the loop's, or
  // a test's before start()): true when both lists succeeded.
  bool relist_once();
  // When the last relist succeeded; nullopt before the first.
  std::optional<Clock::time_point> last_success() const;

 private:
  void run();

  remote::CriClient& cri_;
  common::metrics::Registry& metrics_;
  Emit emit_;
  std::function<std::chrono::milliseconds()> period_;

  std::optional<Snapshot> last_;  // only the relisting thread touches these two
  int failures_ = 0;
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  bool stopping_ = false;
  bool woken_ = false;
  std::optional<Clock::time_point> last_success_;
  std::thread thread_;
};

}  // namespace agent::pleg
