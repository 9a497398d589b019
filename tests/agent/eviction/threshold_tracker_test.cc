// eviction/threshold_tracker: met thresholds, grace periods, minimum reclaim
// and the pressure transition period, on a clock the test moves.
#include <doctest/doctest.h>

#include "agent/eviction/threshold_tracker.h"

namespace agent::eviction {
namespace {

using namespace std::chrono_literals;
using Clock = ThresholdTracker::Clock;

constexpr int64_t kMi = 1024 * 1024;

Observations memory_available(int64_t available) { return {{Signal::MemoryAvailable, {available, 1024 * kMi}}}; }

TEST_CASE("a hard threshold acts at once and memory pressure holds for the transition period") {
  ThresholdTracker tracker(parse_thresholds({{"memory.available", "100Mi"}}, {}, {}, {}), 5min);
  const auto t0 = Clock::time_point{} + 1h;
  auto r = tracker.update(memory_available(200 * kMi), t0);
  CHECK_FALSE(r.pressure.any());
  CHECK(r.act_on.empty());

  r = tracker.update(memory_available(50 * kMi), t0 + 10s);
  CHECK(r.pressure.memory);
  CHECK_FALSE(r.pressure.disk);
  REQUIRE(r.act_on.size() == 1);
  CHECK(r.act_on[0].signal == Signal::MemoryAvailable);

  // Clear again: no action, but the condition stays until 5 min after it was last seen.
  r = tracker.update(memory_available(500 * kMi), t0 + 20s);
  CHECK(r.act_on.empty());
  CHECK(r.pressure.memory);
  r = tracker.update(memory_available(500 * kMi), t0 + 10s + 5min - 1ms);
  CHECK(r.pressure.memory);
  r = tracker.update(memory_available(500 * kMi), t0 + 10s + 5min);
  CHECK_FALSE(r.pressure.memory);
}

TEST_CASE("available equal to the threshold is not below it") {
  ThresholdTracker tracker(parse_thresholds({{"memory.available", "100Mi"}}, {}, {}, {}), 1s);
  CHECK(tracker.update(memory_available(100 * kMi), Clock::time_point{} + 1h).act_on.empty());
  CHECK(tracker.update(memory_available(100 * kMi - 1), Clock::time_point{} + 1h).act_on.size() == 1);
}

TEST_CASE("a transition period of 0 reports no condition, as kubelet's") {
  ThresholdTracker tracker(parse_thresholds({{"memory.available", "100Mi"}}, {}, {}, {}), 0ms);
  const auto r = tracker.update(memory_available(1), Clock::time_point{} + 1h);
  CHECK_FALSE(r.pressure.memory);
  CHECK(r.act_on.size() == 1);
}

TEST_CASE("a soft threshold acts only after its grace period of unbroken crossing; pressure shows at once") {
  ThresholdTracker tracker(parse_thresholds({}, {{"memory.available", "1Gi"}}, {{"memory.available", "30s"}}, {}), 1min);
  const auto t0 = Clock::time_point{} + 1h;
  auto r = tracker.update(memory_available(512 * kMi), t0);
  CHECK(r.pressure.memory);
  CHECK(r.act_on.empty());
  r = tracker.update(memory_available(512 * kMi), t0 + 29s);
  CHECK(r.act_on.empty());
  r = tracker.update(memory_available(512 * kMi), t0 + 30s);
  REQUIRE(r.act_on.size() == 1);
  CHECK_FALSE(r.act_on[0].hard());

  // A break restarts the grace period.
  tracker.update(memory_available(2048 * kMi), t0 + 31s);
  r = tracker.update(memory_available(512 * kMi), t0 + 40s);
  CHECK(r.act_on.empty());
  r = tracker.update(memory_available(512 * kMi), t0 + 70s);
  CHECK(r.act_on.size() == 1);
}

TEST_CASE("a threshold that acted stays met until its minimum reclaim is reached") {
  ThresholdTracker tracker(parse_thresholds({{"memory.available", "100Mi"}}, {}, {}, {{"memory.available", "50Mi"}}),
                           1min);
  const auto t0 = Clock::time_point{} + 1h;
  CHECK(tracker.update(memory_available(90 * kMi), t0).act_on.size() == 1);
  CHECK(tracker.update(memory_available(120 * kMi), t0 + 1s).act_on.size() == 1);   // above 100Mi, below 150Mi
  CHECK(tracker.update(memory_available(149 * kMi), t0 + 2s).act_on.size() == 1);
  CHECK(tracker.update(memory_available(150 * kMi), t0 + 3s).act_on.empty());
  CHECK(tracker.update(memory_available(120 * kMi), t0 + 4s).act_on.empty());       // not crossed anew
}

TEST_CASE("disk and pid thresholds give their conditions; memory acts first") {
  ThresholdTracker tracker(
      parse_thresholds({{"nodefs.available", "10%"}, {"pid.available", "100"}, {"memory.available", "100Mi"}}, {}, {},
                       {}),
      1min);
  Observations o{{Signal::NodeFsAvailable, {5, 100}}, {Signal::PidAvailable, {50, 1000}},
                 {Signal::MemoryAvailable, {1, 1024 * kMi}}};
  const auto r = tracker.update(o, Clock::time_point{} + 1h);
  CHECK(r.pressure.memory);
  CHECK(r.pressure.disk);
  CHECK(r.pressure.pid);
  REQUIRE(r.act_on.size() == 3);
  CHECK(r.act_on[0].signal == Signal::MemoryAvailable);
  CHECK(r.act_on[1].signal == Signal::NodeFsAvailable);
  CHECK(r.act_on[2].signal == Signal::PidAvailable);
  CHECK(condition_types(r.pressure) == std::vector<std::string>{"MemoryPressure", "DiskPressure", "PIDPressure"});
}

TEST_CASE("a signal without an observation meets nothing") {
  ThresholdTracker tracker(parse_thresholds({{"imagefs.available", "15%"}}, {}, {}, {}), 1min);
  const auto r = tracker.update(memory_available(1), Clock::time_point{} + 1h);
  CHECK(r.act_on.empty());
  CHECK_FALSE(r.pressure.any());
}

}  // namespace
}  // namespace agent::eviction
