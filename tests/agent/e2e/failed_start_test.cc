// A container whose command does not exist: StartContainer fails, and the
// agent does what kubelet does with it. The failed container stays, the
// runtime reports it EXITED (ContainerCannotRun), the next sync counts it as
// a restart and starts another under the crash-loop back-off; under
// restartPolicy Never the pod fails.
#include <doctest/doctest.h>

#include "tests/agent/e2e/e2e_fixture.h"

namespace e2e {
namespace {

json cannot_run_container() {
  return {{"name", "app"}, {"image", test_image()}, {"imagePullPolicy", "Never"}, {"command", {"/nonexistent"}}};
}

TEST_CASE("a container that cannot start: counted restarts, ContainerCannotRun, CrashLoopBackOff; Never fails the pod") {
  Node node;  // backoff 1 s doubling to 4 s
  node.write_manifest("cannot-run.json",
                      pod_manifest(node.ns(), "cannot-run", json::array({cannot_run_container()}), "Always"));
  node.write_manifest("cannot-run-never.json",
                      pod_manifest(node.ns(), "cannot-run-never", json::array({cannot_run_container()}), "Never"));

  json last_terminated;
  const json always = node.wait_pod(
      node.static_name("cannot-run"),
      [&](const json& pod) {
        const json status = container_status(pod, "app");
        if (status.is_null()) return false;
        const json terminated = pick(status, {"lastState", "terminated"});
        if (terminated.is_object()) last_terminated = terminated;
        const std::string waiting = pick(status, {"state", "waiting", "reason"}).is_string()
                                        ? pick(status, {"state", "waiting", "reason"}).get<std::string>()
                                        : "";
        return status.value("restartCount", 0) >= 2 && terminated.is_object() &&
               (waiting == "CrashLoopBackOff" || waiting == "RunContainerError");
      },
      "restartCount >= 2 with the failed start as lastState", 60s);
  INFO("node-agent log tail:\n" << node.agent_log_tail());
  const json status = container_status(always, "app");
  CHECK(status.value("restartCount", 0) >= 2);
  REQUIRE(last_terminated.is_object());
  CHECK(last_terminated.value("reason", "") == "ContainerCannotRun");
  CHECK(last_terminated.value("exitCode", 0) != 0);
  CHECK(last_terminated.value("message", "").find("/nonexistent") != std::string::npos);
  CHECK(phase(always) == "Running");  // restartPolicy Always: the pod goes on trying
  CHECK(condition(always, "Ready") == "False");

  const json never = node.wait_pod(node.static_name("cannot-run-never"),
                                   [](const json& pod) { return phase(pod) == "Failed"; }, "phase Failed", 60s);
  const json terminated = pick(container_status(never, "app"), {"state", "terminated"});
  REQUIRE(terminated.is_object());
  CHECK(terminated.value("reason", "") == "ContainerCannotRun");
  CHECK(terminated.value("exitCode", 0) != 0);
  CHECK(pick(container_status(never, "app"), {"restartCount"}) == 0);
}

}  // namespace
}  // namespace e2e
