#include <doctest/doctest.h>

#include <set>

#include "agent/cm/pod_admission.h"
#include "tests/agent/cm/pod_builder.h"

namespace agent::cm {
namespace {

using namespace testing;

const ResourceMap kAllocatable{{"cpu", 1900}, {"memory", 1000 * Mi}, {"ephemeral-storage", 10 * Mi}, {"pods", 3}};

TEST_CASE("admission: a pod that fits is admitted") {
  CHECK(check_fit({1000, 500 * Mi, 0}, {{900, 500 * Mi, 0}}, kAllocatable) == AdmitResult{});
}

TEST_CASE("admission: kubelet's OutOfcpu reason and message") {
  const auto result = check_fit({4000, 0, 0}, {{200, 0, 0}}, kAllocatable);
  CHECK_FALSE(result.admit);
  CHECK(result.reason == "OutOfcpu");
  CHECK(result.message == "Node didn't have enough resource: cpu, requested: 4000, used: 200, capacity: 1900");
}

TEST_CASE("admission: memory, then ephemeral-storage") {
  const auto memory = check_fit({0, 600 * Mi, 0}, {{0, 500 * Mi, 0}}, kAllocatable);
  CHECK(memory.reason == "OutOfmemory");
  CHECK(memory.message == "Node didn't have enough resource: memory, requested: " + std::to_string(600 * Mi) +
                              ", used: " + std::to_string(500 * Mi) + ", capacity: " + std::to_string(1000 * Mi));
  CHECK(check_fit({0, 0, 11 * Mi}, {}, kAllocatable).reason == "OutOfephemeral-storage");
  // cpu comes first when both are short.
  CHECK(check_fit({2000, 2000 * Mi, 0}, {}, kAllocatable).reason == "OutOfcpu");
}

TEST_CASE("admission: a pod whose ephemeral-storage requests exceed the allocatable is OutOfephemeral-storage") {
  PodAdmitter admitter(kAllocatable);
  auto greedy = container("a", -1, -1);
  greedy.resources.requests.ephemeral_storage_bytes = 8 * Mi;
  auto first = make_pod("uid-first", {greedy});
  CHECK(admitter.admit(first, nullptr).admit);
  // 8Mi used of 10Mi: another 4Mi does not fit.
  auto second_container = container("b", -1, -1);
  second_container.resources.requests.ephemeral_storage_bytes = 4 * Mi;
  const auto result = admitter.admit(make_pod("uid-second", {second_container}), nullptr);
  CHECK_FALSE(result.admit);
  CHECK(result.reason == "OutOfephemeral-storage");
  CHECK(result.message == "Node didn't have enough resource: ephemeral-storage, requested: " + std::to_string(4 * Mi) +
                              ", used: " + std::to_string(8 * Mi) + ", capacity: " + std::to_string(10 * Mi));
  // A limit alone is a request too (the parser defaults it): 1Gi never fits.
  auto limited = container("c", -1, -1);
  limited.resources.limits.ephemeral_storage_bytes = 1024 * Mi;
  limited.resources.requests.ephemeral_storage_bytes = 1024 * Mi;
  CHECK(admitter.admit(make_pod("uid-third", {limited}), [](const std::string&) { return true; }).reason ==
        "OutOfephemeral-storage");
}

TEST_CASE("admission: one pod too many is OutOfpods, checked before the resources") {
  const auto result = check_fit({5000, 0, 0}, {{}, {}, {}}, kAllocatable);
  CHECK(result.reason == "OutOfpods");
  CHECK(result.message == "Node didn't have enough resource: pods, requested: 1, used: 3, capacity: 3");
}

TEST_CASE("admission: a pod requesting nothing is only counted") {
  CHECK(check_fit({}, {{1900, 1000 * Mi, 0}, {100, 0, 0}}, kAllocatable).admit);
}

TEST_CASE("admission: decisions in order, kept for the pod's lifetime") {
  PodAdmitter admitter(kAllocatable);
  std::set<std::string> terminated;
  auto is_terminated = [&](const std::string& uid) { return terminated.count(uid) > 0; };
  const auto a = make_pod("a", {container("c", 1000, -1)});
  const auto b = make_pod("b", {container("c", 1000, -1)});
  const auto c = make_pod("c", {container("c", 800, -1)});
  CHECK(admitter.admit(a, is_terminated).admit);
  const auto rejected = admitter.admit(b, is_terminated);
  CHECK(rejected.message == "Node didn't have enough resource: cpu, requested: 1000, used: 1000, capacity: 1900");
  CHECK(admitter.rejection("b") == rejected);
  CHECK(admitter.admit(c, is_terminated).admit);
  // Room frees when a finishes, yet b stays rejected, and a stays admitted.
  terminated.insert("a");
  CHECK(admitter.admit(b, is_terminated) == rejected);
  CHECK(admitter.admit(a, is_terminated).admit);
  // A new pod sees a's room: only c's 800 are used.
  const auto d = make_pod("d", {container("c", 1100, -1)});
  CHECK(admitter.admit(d, is_terminated).admit);
  // Forgetting b lets a new pod with its UID be decided afresh.
  admitter.forget("b");
  CHECK_FALSE(admitter.rejection("b"));
  CHECK(admitter.admit(make_pod("b", {container("c", 1, -1)}), is_terminated).admit == false);  // 1900 used now
}

}  // namespace
}  // namespace agent::cm
