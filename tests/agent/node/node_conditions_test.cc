// Ready and the pressure conditions in kubelet's words, and the pod gate.
#include <doctest/doctest.h>

#include "agent/node/node_conditions.h"

namespace agent::node {

namespace {

cri::StatusResponse status(bool runtime_ready, bool network_ready) {
  cri::StatusResponse s;
  auto* r = s.mutable_status()->add_conditions();
  r->set_type("RuntimeReady");
  r->set_status(runtime_ready);
  if (!runtime_ready) {
    r->set_reason("DockerDaemonNotReady");
    r->set_message("docker: not reachable");
  }
  auto* n = s.mutable_status()->add_conditions();
  n->set_type("NetworkReady");
  n->set_status(network_ready);
  if (!network_ready) {
    n->set_reason("NetworkPluginNotReady");
    n->set_message("cni config uninitialized");
  }
  return s;
}

RuntimeState ready_state() {
  RuntimeState state;
  apply_runtime_status(status(true, true), state);
  return state;
}

}  // namespace

TEST_CASE("conditions: a ready runtime makes the node Ready") {
  const auto state = ready_state();
  CHECK(not_ready_message(state).empty());
  const auto conditions = update_conditions({}, NodePressure{}, not_ready_message(state), 5000000000LL);
  REQUIRE(conditions.size() == 4);
  CHECK(conditions[0].type == "MemoryPressure");
  CHECK(conditions[0].status == "False");
  CHECK(conditions[0].reason == "KubeletHasSufficientMemory");
  CHECK(conditions[0].message == "kubelet has sufficient memory available");
  CHECK(conditions[1].type == "DiskPressure");
  CHECK(conditions[1].reason == "KubeletHasNoDiskPressure");
  CHECK(conditions[1].message == "kubelet has no disk pressure");
  CHECK(conditions[2].type == "PIDPressure");
  CHECK(conditions[2].reason == "KubeletHasSufficientPID");
  CHECK(conditions[2].message == "kubelet has sufficient PID available");
  CHECK(conditions[3].type == "Ready");
  CHECK(conditions[3].status == "True");
  CHECK(conditions[3].reason == "KubeletReady");
  CHECK(conditions[3].message == "kubelet is posting ready status");
  CHECK(pod_start_blocker(state, false) == std::nullopt);
}

TEST_CASE("conditions: the runtime's own reason makes Ready False and stops every pod") {
  RuntimeState state;
  apply_runtime_status(status(false, true), state);
  const std::string expected =
      "container runtime not ready: RuntimeReady=false reason:DockerDaemonNotReady message:docker: not reachable";
  CHECK(not_ready_message(state) == expected);
  const auto conditions = update_conditions({}, NodePressure{}, not_ready_message(state), 1);
  CHECK(conditions[3].status == "False");
  CHECK(conditions[3].reason == "KubeletNotReady");
  CHECK(conditions[3].message == expected);
  CHECK(pod_start_blocker(state, false) == expected);
  CHECK(pod_start_blocker(state, true) == expected);
}

TEST_CASE("conditions: a network not ready stops pods off the host network only") {
  RuntimeState state;
  apply_runtime_status(status(true, false), state);
  const std::string network =
      "container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:cni config uninitialized";
  CHECK(not_ready_message(state) == network);
  CHECK(pod_start_blocker(state, false) == "network is not ready: " + network);
  CHECK(pod_start_blocker(state, true) == std::nullopt);
}

TEST_CASE("conditions: a condition the runtime does not report counts as not ready") {
  RuntimeState state;
  apply_runtime_status(cri::StatusResponse{}, state);
  CHECK(not_ready_message(state) ==
        "[container runtime not ready: <nil>, container runtime network not ready: <nil>]");
}

TEST_CASE("conditions: before any Status answer, when the runtime is down, and PLEG") {
  RuntimeState state;
  CHECK(not_ready_message(state) == "container runtime status check may not have completed yet");
  CHECK(pod_start_blocker(state, true).has_value());
  state = ready_state();
  state.runtime_down = true;
  CHECK(not_ready_message(state) == "container runtime is down");
  state.pleg_error = "PLEG is not healthy: PLEG has not relisted recently";
  CHECK(not_ready_message(state) ==
        "[container runtime is down, PLEG is not healthy: PLEG has not relisted recently]");
}

TEST_CASE("conditions: pressure in kubelet's words") {
  const auto c = update_conditions({}, NodePressure{true, true, true}, "", 1);
  CHECK(c[0].status == "True");
  CHECK(c[0].reason == "KubeletHasInsufficientMemory");
  CHECK(c[0].message == "kubelet has insufficient memory available");
  CHECK(c[1].reason == "KubeletHasDiskPressure");
  CHECK(c[1].message == "kubelet has disk pressure");
  CHECK(c[2].reason == "KubeletHasInsufficientPID");
  CHECK(c[2].message == "kubelet has insufficient PID available");
}

TEST_CASE("conditions: lastTransitionTime moves only when the status changes") {
  auto first = update_conditions({}, NodePressure{}, "", 100);
  auto second = update_conditions(first, NodePressure{true, false, false}, "", 200);
  CHECK(second[0].last_transition_ns == 200);  // MemoryPressure flipped
  CHECK(second[0].last_heartbeat_ns == 200);
  CHECK(second[1].last_transition_ns == 100);  // DiskPressure did not
  CHECK(second[1].last_heartbeat_ns == 200);
  CHECK(second[3].last_transition_ns == 100);
  auto third = update_conditions(second, NodePressure{true, false, false}, "container runtime is down", 300);
  CHECK(third[3].status == "False");
  CHECK(third[3].last_transition_ns == 300);
  CHECK(third[0].last_transition_ns == 200);
}

TEST_CASE("conditions: aggregate drops duplicates and brackets several") {
  CHECK(aggregate({}).empty());
  CHECK(aggregate({"a"}) == "a");
  CHECK(aggregate({"a", "b", "a"}) == "[a, b]");
}

}  // namespace agent::node
