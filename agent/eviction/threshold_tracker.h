// Which thresholds are crossed, and since when (kubelet's synchronize, the
// part before any pod is touched): pure state, the clock passed in, so
// every rule is unit-tested.
//
// Contract of update(observations, now):
// - A threshold is met when its signal's available is below its value
//   (a percentage resolved against the signal's capacity). One that acted
//   at the last update stays met until available is at or above value +
//   minimum reclaim. A signal without an observation meets nothing.
// - A met threshold acts (is in `act_on`) once it has been met for its grace
//   period: hard ones at once, soft ones after --eviction-soft-grace-period
//   of being met without a break.
// - A node condition (memory, disk, pid) holds while any of its thresholds
//   is met (grace period or not), and until `transition_period` has passed
//   since the last update that saw one met (kubelet: a period of 0 reports
//   none).
#pragma once

#include <chrono>
#include <map>
#include <utility>
#include <vector>

#include "agent/eviction/node_pressure.h"
#include "agent/eviction/signals.h"
#include "agent/eviction/thresholds.h"

namespace agent::eviction {

enum class Condition { Memory, Disk, Pid };
Condition condition_of(Signal signal);

class ThresholdTracker {
 public:
  using Clock = std::chrono::steady_clock;

  ThresholdTracker(std::vector<Threshold> thresholds, std::chrono::milliseconds transition_period);

  struct Result {
    NodePressure pressure;
    std::vector<Threshold> act_on;  // memory signals first, then in flag order
  };
  Result update(const Observations& observations, Clock::time_point now);

  const std::vector<Threshold>& thresholds() const { return thresholds_; }

  // The thresholds of `thresholds` met by `observations`; with
  // `enforce_min_reclaim`, measured against value + minimum reclaim.
  static std::vector<Threshold> met(const std::vector<Threshold>& thresholds, const Observations& observations,
                                    bool enforce_min_reclaim);

 private:
  std::vector<Threshold> thresholds_;
  std::chrono::milliseconds transition_period_;
  std::vector<Threshold> met_;                                       // at the last update
  std::vector<std::pair<Threshold, Clock::time_point>> first_met_;   // since when, unbroken
  std::map<Condition, Clock::time_point> condition_seen_;            // last update that saw it
};

}  // namespace agent::eviction
