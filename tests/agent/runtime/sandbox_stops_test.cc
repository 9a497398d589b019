// sandboxes_to_stop: which sandboxes a killed pod gets StopPodSandbox for.
#include <doctest/doctest.h>

#include "agent/runtime/sandbox_stops.h"

using agent::runtime::PodRuntimeState;
using agent::runtime::SandboxState;
using agent::runtime::sandboxes_to_stop;

namespace {

PodRuntimeState pod_with(std::vector<std::pair<std::string, bool>> sandboxes) {
  PodRuntimeState state;
  for (auto& [id, ready] : sandboxes) {
    SandboxState s;
    s.id = id;
    s.ready = ready;
    state.sandboxes.push_back(s);
  }
  return state;
}

}  // namespace

TEST_CASE("a sandbox that died by itself is stopped, not only the ready ones") {
  // What containerd shows after the infra process was killed: the newest
  // sandbox NOTREADY, its network still set up.
  auto state = pod_with({{"new", true}, {"dead", false}});
  CHECK(sandboxes_to_stop(state, {}) == std::vector<std::string>{"new", "dead"});
}

TEST_CASE("a sandbox the agent already stopped is not stopped again") {
  auto state = pod_with({{"dead", false}, {"older", false}});
  CHECK(sandboxes_to_stop(state, {"dead", "older"}).empty());
  CHECK(sandboxes_to_stop(state, {"older"}) == std::vector<std::string>{"dead"});
}

TEST_CASE("a ready sandbox is always stopped") {
  auto state = pod_with({{"s1", true}});
  CHECK(sandboxes_to_stop(state, {"s1"}) == std::vector<std::string>{"s1"});
}

TEST_CASE("a pod without sandboxes has nothing to stop") { CHECK(sandboxes_to_stop(PodRuntimeState{}, {}).empty()); }
