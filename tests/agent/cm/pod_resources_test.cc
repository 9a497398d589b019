// ResourceConfigForPod facts from kubelet's helpers_linux_test.go table.
#include <doctest/doctest.h>

#include "agent/cm/pod_resources.h"
#include "tests/agent/cm/pod_builder.h"

namespace agent::cm {
namespace {

using namespace testing;

TEST_CASE("pod resources: shares and quota conversions") {
  CHECK(milli_cpu_to_shares(0) == 2);
  CHECK(milli_cpu_to_shares(1) == 2);  // 1 * 1024 / 1000 = 1, raised to the minimum
  CHECK(milli_cpu_to_shares(100) == 102);
  CHECK(milli_cpu_to_shares(1000) == 1024);
  CHECK(milli_cpu_to_shares(1000000) == 262144);
  CHECK(milli_cpu_to_quota(0, 100000) == 0);
  CHECK(milli_cpu_to_quota(1, 100000) == 1000);  // 100 µs, raised to 1 ms
  CHECK(milli_cpu_to_quota(200, 100000) == 20000);
  CHECK(milli_cpu_to_quota(2500, 100000) == 250000);
}

TEST_CASE("pod resources: requests sum the app containers and take the largest init container") {
  const auto p = make_pod("u", {container("a", 100, 100 * Mi), container("b", 200, 50 * Mi)},
                          {container("i1", 250, 10 * Mi), container("i2", 10, 200 * Mi)});
  CHECK(pod_requests(p) == PodResources{300, 200 * Mi, 0});
}

// ephemeral-storage follows the same rule as cpu and memory (kubelet's
// PodRequests / PodLimits): the app containers summed, an init container's
// larger value taking over; a container without a value counts 0.
TEST_CASE("pod resources: ephemeral-storage requests and limits sum the app containers and take the largest init container") {
  auto a = container("a", -1, -1);
  a.resources.requests.ephemeral_storage_bytes = 100 * Mi;
  a.resources.limits.ephemeral_storage_bytes = 200 * Mi;
  auto b = container("b", -1, -1);
  b.resources.requests.ephemeral_storage_bytes = 50 * Mi;
  auto unlimited = container("c", -1, -1);
  auto init = container("i", -1, -1);
  init.resources.requests.ephemeral_storage_bytes = 120 * Mi;
  init.resources.limits.ephemeral_storage_bytes = 500 * Mi;
  const auto p = make_pod("u", {a, b, unlimited}, {init});
  CHECK(pod_requests(p).ephemeral_storage_bytes == 150 * Mi);
  CHECK(pod_limits(p).ephemeral_storage_bytes == 500 * Mi);
  CHECK(pod_requests(make_pod("u", {a, b})).ephemeral_storage_bytes == 150 * Mi);
  CHECK(pod_limits(make_pod("u", {a, b})).ephemeral_storage_bytes == 200 * Mi);
  // Not a cgroup resource: the pod cgroup's values do not change.
  CHECK(pod_resource_config(make_pod("u", {a}), -1) == ResourceConfig{2, std::nullopt, std::nullopt, std::nullopt, std::nullopt});
}

TEST_CASE("pod resources: BestEffort gets 2 shares and nothing else") {
  const auto config = pod_resource_config(make_pod("u", {container("a", -1, -1)}), -1);
  CHECK(config == ResourceConfig{2, std::nullopt, std::nullopt, std::nullopt, std::nullopt});
}

TEST_CASE("pod resources: Burstable without limits gets shares only") {
  const auto config = pod_resource_config(make_pod("u", {container("a", 100, 100 * Mi)}), -1);
  CHECK(config == ResourceConfig{102, std::nullopt, std::nullopt, std::nullopt, std::nullopt});
}

TEST_CASE("pod resources: Burstable with limits gets quota, period and memory") {
  const auto config = pod_resource_config(make_pod("u", {container("a", 100, 100 * Mi, 200, 200 * Mi)}), -1);
  CHECK(config == ResourceConfig{102, 20000, 100000, 200 * Mi, std::nullopt});
}

TEST_CASE("pod resources: Burstable with one container unlimited gets no quota and no memory limit") {
  const auto config = pod_resource_config(
      make_pod("u", {container("a", 100, 100 * Mi, 200, 200 * Mi), container("b", 100, 100 * Mi)}), -1);
  CHECK(config == ResourceConfig{204, std::nullopt, std::nullopt, std::nullopt, std::nullopt});
}

TEST_CASE("pod resources: Burstable limiting cpu everywhere but memory nowhere") {
  const auto config = pod_resource_config(make_pod("u", {container("a", 100, 100 * Mi, 200, -1)}), -1);
  CHECK(config == ResourceConfig{102, 20000, 100000, std::nullopt, std::nullopt});
}

TEST_CASE("pod resources: Guaranteed gets shares, quota, period and memory") {
  const auto config = pod_resource_config(make_pod("u", {container("a", 100, 100 * Mi, 100, 100 * Mi)}), -1);
  CHECK(config == ResourceConfig{102, 10000, 100000, 100 * Mi, std::nullopt});
}

TEST_CASE("pod resources: Guaranteed with a bigger init container takes its values") {
  const auto config = pod_resource_config(
      make_pod("u", {container("a", 100, 100 * Mi, 100, 100 * Mi)}, {container("i", 500, 300 * Mi, 500, 300 * Mi)}),
      -1);
  CHECK(config == ResourceConfig{512, 50000, 100000, 300 * Mi, std::nullopt});
}

TEST_CASE("pod resources: --pod-max-pids above 0 limits every class") {
  CHECK(pod_resource_config(make_pod("u", {container("a", -1, -1)}), 1024).pids_limit == 1024);
  CHECK(pod_resource_config(make_pod("u", {container("a", 10, 10, 10, 10)}), 64).pids_limit == 64);
  CHECK_FALSE(pod_resource_config(make_pod("u", {container("a", -1, -1)}), 0).pids_limit);
}

}  // namespace
}  // namespace agent::cm
