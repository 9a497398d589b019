// Per-key exponential back-off (kubelet's flowcontrol.Backoff), used for
// crash-loop restarts (key: pod uid + container name + spec hash) and image
// pulls (key: pod uid + image).
//
// The rules, as kubelet's:
// - in_backoff_since(key, t): an entry exists, has not expired, and less than
//   its delay has passed since t (the container's finish, the pull's failure);
// - next(key, t): the first time, or once expired, the delay starts at
//   `initial`; otherwise it doubles up to `max` (common/backoff.h);
// - an entry expires when t is more than `reset` after its last update (the
//   container ran well that long).
// Thread-safe. Times are steady-clock-free: callers pass wall-clock
// nanoseconds, since a container's finish time comes from the runtime.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

#include "common/backoff.h"

namespace agent::flowcontrol {

class Backoff {
 public:
  using Nanos = int64_t;
  Backoff(std::chrono::milliseconds initial, std::chrono::milliseconds max, std::chrono::milliseconds reset);

  bool in_backoff_since(const std::string& key, Nanos event_time, Nanos now) const;
  // How long until the back-off of `key` ends, counted from the entry's
  // last update (0 when it has): kubelet's IsInBackOffSinceUpdate, for
  // image pulls.
  std::chrono::milliseconds remaining_since_update(const std::string& key, Nanos now) const;
  // The delay in force for `key` (0 when none).
  std::chrono::milliseconds delay(const std::string& key) const;
  void next(const std::string& key, Nanos event_time, Nanos now);
  void reset(const std::string& key);
  // Sets the entry of `key` as if it had doubled `doublings` times, last
  // updated at `at`, unless it already has one. A restarted agent seeds a
  // crash-looping container's back-off from its restart count, so the
  // restart does not cut the container's wait short.
  void seed(const std::string& key, unsigned doublings, Nanos at);
  // Drops entries whose keys start with `prefix` (a pod that is gone).
  void forget_prefix(const std::string& prefix);

  static Nanos now_ns();

 private:
  struct Entry {
    common::ExponentialBackoff backoff;
    Nanos last_update_ns = 0;
  };
  bool expired(const Entry& entry, Nanos event_time) const;
  common::ExponentialBackoff fresh() const { return {initial_, max_}; }

  std::chrono::milliseconds initial_, max_;
  Nanos reset_ns_;
  mutable std::mutex mutex_;
  std::map<std::string, Entry> entries_;
};

}  // namespace agent::flowcontrol
