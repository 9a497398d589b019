// eviction/thresholds: kubelet's --eviction-hard, --eviction-soft,
// --eviction-soft-grace-period and --eviction-minimum-reclaim.
#include <doctest/doctest.h>

#include <stdexcept>
#include <string>

#include "agent/eviction/thresholds.h"

namespace agent::eviction {
namespace {

std::string error_of(const KeyValues& hard, const KeyValues& soft = {}, const KeyValues& grace = {},
                     const KeyValues& reclaim = {}) {
  try {
    parse_thresholds(hard, soft, grace, reclaim);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

TEST_CASE("signal names: the flag spellings and nothing else") {
  CHECK(parse_signal("memory.available") == Signal::MemoryAvailable);
  CHECK(parse_signal("nodefs.available") == Signal::NodeFsAvailable);
  CHECK(parse_signal("nodefs.inodesFree") == Signal::NodeFsInodesFree);
  CHECK(parse_signal("imagefs.available") == Signal::ImageFsAvailable);
  CHECK(parse_signal("imagefs.inodesFree") == Signal::ImageFsInodesFree);
  CHECK(parse_signal("pid.available") == Signal::PidAvailable);
  CHECK_FALSE(parse_signal("allocatableMemory.available"));  // kubelet derives it
  CHECK_FALSE(parse_signal("memory.Available"));
  CHECK_FALSE(parse_signal(""));
  CHECK(to_string(Signal::AllocatableMemoryAvailable) == "allocatableMemory.available");
}

TEST_CASE("kubelet's default hard thresholds parse to quantities and percentages") {
  const auto thresholds = parse_thresholds(default_eviction_hard(), {}, {}, {});
  REQUIRE(thresholds.size() == 4);
  CHECK(thresholds[0].signal == Signal::MemoryAvailable);
  CHECK(thresholds[0].value.quantity == 100 * 1024 * 1024);
  CHECK(thresholds[0].hard());
  CHECK(thresholds[1].signal == Signal::NodeFsAvailable);
  CHECK_FALSE(thresholds[1].value.quantity);
  CHECK(thresholds[1].value.percentage == doctest::Approx(0.10));
  CHECK(thresholds[2].value.percentage == doctest::Approx(0.05));
  CHECK(thresholds[3].signal == Signal::ImageFsAvailable);
  CHECK(thresholds[3].value.percentage == doctest::Approx(0.15));
}

TEST_CASE("resolve: a quantity as it is and a percentage of the capacity") {
  CHECK(resolve(ThresholdValue{int64_t{500}, 0}, 1000000) == 500);
  CHECK(resolve(ThresholdValue{std::nullopt, 0.1}, 1000) == 100);
  CHECK(resolve(ThresholdValue{std::nullopt, 0.0}, 1000) == 0);
  CHECK(resolve(ThresholdValue{std::nullopt, 1.0}, 12345) == 12345);
}

TEST_CASE("soft thresholds take their grace period and minimum reclaim applies to every threshold of its signal") {
  const auto thresholds = parse_thresholds({{"memory.available", "200Mi"}}, {{"memory.available", "1Gi"}},
                                           {{"memory.available", "1m30s"}}, {{"memory.available", "50Mi"}});
  REQUIRE(thresholds.size() == 2);
  CHECK(thresholds[0].hard());
  CHECK(thresholds[0].min_reclaim.quantity == 50 * 1024 * 1024);
  CHECK_FALSE(thresholds[1].hard());
  CHECK(thresholds[1].grace_period_ms == 90000);
  CHECK(thresholds[1].value.quantity == 1024LL * 1024 * 1024);
  CHECK(thresholds[1].min_reclaim.quantity == 50 * 1024 * 1024);
  CHECK(hard_threshold(thresholds, Signal::MemoryAvailable)->value.quantity == 200 * 1024 * 1024);
  CHECK_FALSE(hard_threshold(thresholds, Signal::NodeFsAvailable));
}

TEST_CASE("a percentage minimum reclaim and decimal quantities") {
  const auto thresholds = parse_thresholds({{"nodefs.inodesFree", "1000"}, {"pid.available", "1k"}}, {}, {},
                                           {{"nodefs.inodesFree", "5%"}});
  REQUIRE(thresholds.size() == 2);
  CHECK(thresholds[0].value.quantity == 1000);
  CHECK(thresholds[0].min_reclaim.percentage == doctest::Approx(0.05));
  CHECK(thresholds[1].value.quantity == 1000);
  CHECK(thresholds[1].min_reclaim == ThresholdValue{int64_t{0}, 0});
}

TEST_CASE("bad flags are refused naming the flag and the signal") {
  CHECK(error_of({{"memory.free", "1Gi"}}).find("--eviction-hard: unknown eviction signal \"memory.free\"") == 0);
  CHECK(error_of({{"memory.available", "lots"}}).find("--eviction-hard: memory.available: \"lots\"") == 0);
  CHECK(error_of({{"memory.available", "-1Gi"}}).find("--eviction-hard: memory.available") == 0);
  CHECK(error_of({{"nodefs.available", "101%"}}).find("must be a percentage from 0% to 100%") != std::string::npos);
  CHECK(error_of({{"nodefs.available", "%"}}).find("must be a percentage") != std::string::npos);
  CHECK(error_of({{"nodefs.available", "ten%"}}).find("must be a percentage") != std::string::npos);
  CHECK(error_of({{"nodefs.available", "-5%"}}).find("must be a percentage") != std::string::npos);
  // A soft threshold needs a grace period above 0, and a grace period its soft threshold.
  CHECK(error_of({}, {{"memory.available", "1Gi"}}) ==
        "--eviction-soft: memory.available needs a grace period above 0 in --eviction-soft-grace-period");
  CHECK(error_of({}, {{"memory.available", "1Gi"}}, {{"memory.available", "0s"}}).find("needs a grace period") !=
        std::string::npos);
  CHECK(error_of({}, {{"memory.available", "1Gi"}}, {{"memory.available", "soon"}})
            .find("--eviction-soft-grace-period: memory.available") == 0);
  CHECK(error_of({}, {}, {{"memory.available", "30s"}}) ==
        "--eviction-soft-grace-period: memory.available has no --eviction-soft threshold");
  CHECK(error_of({}, {}, {{"disk.available", "30s"}}).find("--eviction-soft-grace-period: unknown eviction signal") ==
        0);
  CHECK(error_of({}, {}, {}, {{"memory.available", "x"}}).find("--eviction-minimum-reclaim: memory.available") == 0);
  CHECK(error_of({{"allocatableMemory.available", "1Gi"}}).find("unknown eviction signal") != std::string::npos);
  CHECK(error_of({}).empty());
}

}  // namespace
}  // namespace agent::eviction
