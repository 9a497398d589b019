#include "agent/eviction/threshold_tracker.h"

#include <algorithm>

namespace agent::eviction {

namespace {

bool contains(const std::vector<Threshold>& list, const Threshold& t) {
  return std::find(list.begin(), list.end(), t) != list.end();
}

bool is_memory(Signal s) { return s == Signal::MemoryAvailable || s == Signal::AllocatableMemoryAvailable; }

}  // namespace

Condition condition_of(Signal signal) {
  switch (signal) {
    case Signal::MemoryAvailable:
    case Signal::AllocatableMemoryAvailable: return Condition::Memory;
    case Signal::PidAvailable: return Condition::Pid;
    default: return Condition::Disk;
  }
}

ThresholdTracker::ThresholdTracker(std::vector<Threshold> thresholds, std::chrono::milliseconds transition_period)
    : thresholds_(std::move(thresholds)), transition_period_(transition_period) {}

std::vector<Threshold> ThresholdTracker::met(const std::vector<Threshold>& thresholds,
                                             const Observations& observations, bool enforce_min_reclaim) {
  std::vector<Threshold> out;
  for (const auto& t : thresholds) {
    const auto it = observations.find(t.signal);
    if (it == observations.end()) continue;
    int64_t quantity = resolve(t.value, it->second.capacity);
    if (enforce_min_reclaim) quantity += resolve(t.min_reclaim, it->second.capacity);
    if (it->second.available < quantity) out.push_back(t);
  }
  return out;
}

ThresholdTracker::Result ThresholdTracker::update(const Observations& observations, Clock::time_point now) {
  // Met now, plus those met before that have not yet reclaimed their minimum.
  std::vector<Threshold> met_now = met(thresholds_, observations, false);
  for (const auto& t : met(met_, observations, true))
    if (!contains(met_now, t)) met_now.push_back(t);

  std::vector<std::pair<Threshold, Clock::time_point>> first_met;
  for (const auto& t : met_now) {
    auto since = now;
    for (const auto& [old, at] : first_met_)
      if (old == t) since = at;
    first_met.emplace_back(t, since);
  }

  for (const auto& t : met_now) condition_seen_[condition_of(t.signal)] = now;
  Result result;
  for (const auto& [condition, at] : condition_seen_) {
    // kubelet's nodeConditionsObservedSince: strictly within the period (a
    // period of 0 reports no condition at all).
    if (now - at >= transition_period_) continue;
    switch (condition) {
      case Condition::Memory: result.pressure.memory = true; break;
      case Condition::Disk: result.pressure.disk = true; break;
      case Condition::Pid: result.pressure.pid = true; break;
    }
  }

  for (const auto& [t, since] : first_met)
    if (now - since >= std::chrono::milliseconds(t.grace_period_ms)) result.act_on.push_back(t);
  // kubelet's byEvictionPriority: memory before every other resource.
  std::stable_partition(result.act_on.begin(), result.act_on.end(),
                        [](const Threshold& t) { return is_memory(t.signal); });

  // Only thresholds past their grace period wait for their minimum
  // reclaim (kubelet keeps thresholdsMet after the grace filter).
  met_ = result.act_on;
  first_met_ = std::move(first_met);
  return result;
}

}  // namespace agent::eviction
