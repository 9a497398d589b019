// eviction/admission: kubelet's eviction admit handler.
#include <doctest/doctest.h>

#include "agent/eviction/admission.h"

namespace agent::eviction {
namespace {

pod::Pod make_pod(std::optional<int64_t> memory_request, std::optional<int32_t> prio = std::nullopt) {
  pod::Pod p;
  pod::Container c;
  c.name = "c";
  c.resources.requests.memory_bytes = memory_request;
  p.spec.containers.push_back(c);
  p.spec.priority = prio;
  return p;
}

TEST_CASE("BestEffort: requests and limits above zero of cpu or memory, init containers included") {
  CHECK(is_best_effort(make_pod(std::nullopt)));
  CHECK(is_best_effort(make_pod(0)));
  CHECK_FALSE(is_best_effort(make_pod(1)));
  auto p = make_pod(std::nullopt);
  pod::Container init;
  init.resources.limits.cpu_milli = 100;
  p.spec.init_containers.push_back(init);
  CHECK_FALSE(is_best_effort(p));
}

TEST_CASE("no pressure admits every pod") { CHECK_FALSE(admission_refusal(make_pod(std::nullopt), {})); }

TEST_CASE("memory pressure refuses only BestEffort pods") {
  const NodePressure memory{true, false, false};
  CHECK(admission_refusal(make_pod(std::nullopt), memory) == "The node had condition: [MemoryPressure]. ");
  CHECK_FALSE(admission_refusal(make_pod(64 << 20), memory));
}

TEST_CASE("disk or pid pressure refuses every pod that is not critical") {
  CHECK(admission_refusal(make_pod(64 << 20), {false, true, false}) == "The node had condition: [DiskPressure]. ");
  CHECK(admission_refusal(make_pod(64 << 20), {true, true, false}) ==
        "The node had condition: [MemoryPressure DiskPressure]. ");
  CHECK(admission_refusal(make_pod(64 << 20), {false, false, true}) == "The node had condition: [PIDPressure]. ");
  CHECK_FALSE(admission_refusal(make_pod(std::nullopt, 2000001000), {true, true, true}));
}

}  // namespace
}  // namespace agent::eviction
