#include <doctest/doctest.h>

#include <stdexcept>

#include "agent/cm/node_allocatable.h"
#include "tests/agent/cm/pod_builder.h"

namespace agent::cm {
namespace {

using namespace testing;

constexpr int64_t Gi = 1024 * Mi;

ResourceMap capacity() {
  return {{"cpu", 4000},          {"memory", 16 * Gi},     {"ephemeral-storage", 100 * Gi},
          {"pods", 110},          {"hugepages-2Mi", 0},    {"hugepages-1Gi", 0},
          {"pid", 32768}};
}

std::vector<eviction::Threshold> thresholds(const KeyValues& hard) {
  return eviction::parse_thresholds(hard, {}, {}, {});
}

TEST_CASE("allocatable: capacity less kube-reserved, system-reserved and the hard eviction thresholds") {
  const auto kube = parse_reserved({{"cpu", "100m"}, {"memory", "1Gi"}}, "--kube-reserved");
  const auto system = parse_reserved({{"cpu", "0.5"}, {"memory", "512Mi"}, {"ephemeral-storage", "1Gi"}},
                                     "--system-reserved");
  const auto node = compute_node_resources(capacity(), kube, system,
                                           thresholds({{"memory.available", "100Mi"}, {"nodefs.available", "10%"}}));
  CHECK(node.capacity.count("pid") == 0);
  CHECK(node.capacity.at("cpu") == 4000);
  CHECK(node.allocatable.at("cpu") == 3400);
  CHECK(node.allocatable.at("memory") == 16 * Gi - Gi - 512 * Mi - 100 * Mi);
  CHECK(node.allocatable.at("ephemeral-storage") == 100 * Gi - Gi - 10 * Gi);
  CHECK(node.allocatable.at("pods") == 110);
  CHECK(node.allocatable.at("hugepages-2Mi") == 0);
}

TEST_CASE("allocatable: kubelet's default eviction thresholds, nothing reserved") {
  const auto node = compute_node_resources(capacity(), {}, {}, thresholds(eviction::default_eviction_hard()));
  CHECK(node.allocatable.at("cpu") == 4000);
  CHECK(node.allocatable.at("memory") == 16 * Gi - 100 * Mi);
  CHECK(node.allocatable.at("ephemeral-storage") == 100 * Gi - 10 * Gi);  // nodefs.available<10%
}

TEST_CASE("allocatable: never below zero, and hugepages come out of memory") {
  auto cap = capacity();
  cap["hugepages-2Mi"] = 512 * Mi;
  const auto node = compute_node_resources(cap, {{"cpu", 5000}}, {}, {});
  CHECK(node.allocatable.at("cpu") == 0);
  CHECK(node.allocatable.at("memory") == 16 * Gi - 512 * Mi);
  CHECK(node.allocatable.at("hugepages-2Mi") == 512 * Mi);
}

TEST_CASE("allocatable: kubepods limits without the eviction threshold") {
  const ResourceMap kube{{"cpu", 500}, {"memory", Gi}, {"pid", 1000}};
  const auto enforced = kubepods_config(capacity(), kube, {{"memory", Gi}}, true);
  CHECK(enforced.cpu_shares == milli_cpu_to_shares(3500));
  CHECK(enforced.memory_limit_bytes == 14 * Gi);
  CHECK(enforced.pids_limit == 31768);
  CHECK_FALSE(enforced.cpu_quota_us);
  // Not enforced: the capacity, so kubepods is not left with default shares.
  const auto capacity_only = kubepods_config(capacity(), kube, {}, false);
  CHECK(capacity_only.cpu_shares == 4096);
  CHECK(capacity_only.memory_limit_bytes == 16 * Gi);
}

TEST_CASE("allocatable: reserved flags are checked") {
  CHECK(parse_reserved({{"pid", "100"}}, "--kube-reserved").at("pid") == 100);
  CHECK_THROWS_WITH_AS(parse_reserved({{"gpu", "1"}}, "--kube-reserved"),
                       "--kube-reserved: gpu cannot be reserved (cpu, memory, ephemeral-storage, pid)",
                       std::invalid_argument);
  CHECK_THROWS_WITH_AS(parse_reserved({{"memory", "-1Gi"}}, "--system-reserved"),
                       "--system-reserved: memory must not be negative", std::invalid_argument);
  CHECK_THROWS_AS(parse_reserved({{"cpu", "lots"}}, "--system-reserved"), std::invalid_argument);
}

TEST_CASE("allocatable: this host's capacity") {
  const auto cap = read_node_capacity("/", 7, 123);
  CHECK(cap.at("cpu") >= 1000);
  CHECK(cap.at("cpu") % 1000 == 0);
  CHECK(cap.at("memory") == 123);
  CHECK(cap.at("ephemeral-storage") > 0);
  CHECK(cap.at("pods") == 7);
  CHECK(cap.count("hugepages-2Mi") == 1);
  CHECK(cap.count("hugepages-1Gi") == 1);
  // Not made yet: the filesystem it will be on.
  CHECK(read_node_capacity("/no/such/dir", 7, 1).at("ephemeral-storage") == cap.at("ephemeral-storage"));
}

}  // namespace
}  // namespace agent::cm
