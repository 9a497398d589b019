// Exponential back-off: the one doubling rule every retry of both binaries
// follows. The Docker event watch, a container's log follower and the
// agent's evented PLEG each hold one for their reconnects; kubelet's
// per-key flowcontrol.Backoff (agent/flowcontrol/) holds one per key.
//
// Contract:
// - delay() is the wait in force: `initial` at first, doubled by each
//   grow() up to `max` (never above it, whatever `initial` is).
// - next() gives the wait in force and grows it: the loop's "wait, then
//   wait longer next time".
// - reset() goes back to `initial`: the last attempt went well (it made
//   progress, or stayed up long enough to count as healthy).
// - A value type with no lock: one owner, or the owner's lock around it.
#pragma once

#include <algorithm>
#include <chrono>

namespace common {

class ExponentialBackoff {
 public:
  using Duration = std::chrono::nanoseconds;

  constexpr ExponentialBackoff(Duration initial, Duration max)
      : initial_(std::min(initial, max)), max_(max), delay_(initial_) {}

  constexpr Duration delay() const { return delay_; }
  constexpr Duration initial() const { return initial_; }
  constexpr Duration max() const { return max_; }

  // Doubles the wait in force `times` times, stopping at max.
  constexpr void grow(unsigned times = 1) {
    for (unsigned i = 0; i < times && delay_ < max_; ++i) delay_ = delay_ > max_ / 2 ? max_ : delay_ * 2;
  }
  constexpr Duration next() {
    const Duration now = delay_;
    grow();
    return now;
  }
  constexpr void reset() { delay_ = initial_; }

 private:
  Duration initial_;
  Duration max_;
  Duration delay_;
};

}  // namespace common
