// restartPolicy and what a container leaves behind when it exits: a crash
// loop with kubelet's growing backoff, the phases Never and OnFailure give,
// and the termination message read back.
#include <doctest/doctest.h>

#include <map>

#include "tests/agent/e2e/e2e_fixture.h"
#include "tests/support/wait_for.h"

namespace e2e {
namespace {

TEST_CASE("a crashing container restarts with growing backoff and a counted restartCount") {
  Node node;  // backoff 1 s doubling to 4 s
  node.write_manifest("crash.json",
                      pod_manifest(node.ns(), "crash", json::array({shell_container("app", "exit 1")}), "Always"));

  // When the runtime created each attempt (CRI created_at, nanoseconds),
  // and whether the container was ever seen waiting out its backoff with
  // the crash as its last state. The gaps are measured on the runtime's
  // clock, not on when this poll happened to see a restartCount: how late
  // the agent's status and this poll are varies with the machine's load
  // and made the old observed-gap checks (gap(3) > gap(1) * 1.2, gap(3) >=
  // 2.5 s) flaky. The agent waits out the backoff from the crash's
  // finishedAt, and each attempt finishes after it was created, so
  // created(n+1) - created(n) >= backoff(n) however loaded the machine is.
  std::map<int, long long> created_ns;
  bool saw_crash_loop = false;
  // Between its crashes the container runs for a moment, and a running
  // container is ready (no probes): only a pod seen waiting out its
  // back-off must not be Ready.
  bool ready_while_backing_off = false;
  json last;
  std::string pod_uid;
  node.wait_pod(
      node.static_name("crash"),
      [&](const json& pod) {
        last = pod;
        const json status = container_status(pod, "app");
        if (status.is_null()) return false;
        const int count = status.value("restartCount", 0);
        // Container GC runs once a minute (gc/): every attempt stays in the
        // runtime for the few seconds this takes.
        if (pod_uid.empty()) pod_uid = uid(pod);
        if (!pod_uid.empty())
          for (const auto& c : node.containers_of(pod_uid))
            if (c.metadata().name() == "app") created_ns.emplace(static_cast<int>(c.metadata().attempt()), c.created_at());
        const json waiting = status.value("state", json::object()).value("waiting", json());
        const json terminated = status.value("lastState", json::object()).value("terminated", json());
        if (waiting.is_object() && waiting.value("reason", "") == "CrashLoopBackOff" && terminated.is_object() &&
            terminated.value("exitCode", -1) == 1) {
          saw_crash_loop = true;
          ready_while_backing_off = ready_while_backing_off || condition(pod, "Ready") != "False";
        }
        return count >= 4 && saw_crash_loop && created_ns.count(4);
      },
      "four restarts and a CrashLoopBackOff wait", 90s);

  CHECK(saw_crash_loop);
  CHECK(phase(last) == "Running");  // restartPolicy Always: the pod runs on, its container does not
  CHECK_FALSE(ready_while_backing_off);
  // The backoff doubles from 1 s to 4 s: the wait before restart 3 is at
  // least 2 s and the one before restart 4 at least 4 s, whether the first
  // restart waits (1, 2, 4, 4 s) or not (0, 1, 2, 4 s, as kubelet). Only
  // lower bounds: load makes gaps longer, never shorter. A backoff that did
  // not grow (1 s each time) fails the second check.
  for (int attempt = 2; attempt <= 4; ++attempt)
    REQUIRE_MESSAGE(created_ns.count(attempt), "attempt " << attempt << " was never seen in the runtime");
  const auto gap = [&](int from) { return static_cast<double>(created_ns[from + 1] - created_ns[from]) / 1e9; };
  MESSAGE("crash loop: " << gap(2) << " s from attempt 2 to 3, " << gap(3) << " s from 3 to 4 (runtime created_at)");
  INFO("node-agent log tail:\n" << node.agent_log_tail());
  CHECK(gap(2) >= 1.9);
  CHECK(gap(3) >= 3.9);
}

TEST_CASE("restartPolicy Never and OnFailure give Succeeded and Failed") {
  Node node;
  node.write_manifest("never-ok.json",
                      pod_manifest(node.ns(), "never-ok", json::array({shell_container("app", "exit 0")}), "Never"));
  node.write_manifest("never-fail.json",
                      pod_manifest(node.ns(), "never-fail", json::array({shell_container("app", "exit 1")}), "Never"));
  node.write_manifest(
      "onfailure-ok.json",
      pod_manifest(node.ns(), "onfailure-ok", json::array({shell_container("app", "exit 0")}), "OnFailure"));
  node.write_manifest(
      "onfailure-fail.json",
      pod_manifest(node.ns(), "onfailure-fail", json::array({shell_container("app", "exit 1")}), "OnFailure"));

  const auto finished = [](const std::string& want) {
    return [want](const json& pod) { return phase(pod) == want; };
  };
  const auto terminated = [](const json& pod) { return pick(container_status(pod, "app"), {"state", "terminated"}); };

  const json never_ok = node.wait_pod(node.static_name("never-ok"), finished("Succeeded"), "phase Succeeded");
  CHECK(terminated(never_ok)["exitCode"] == 0);
  CHECK(terminated(never_ok)["reason"] == "Completed");
  CHECK(pick(container_status(never_ok, "app"), {"restartCount"}) == 0);

  const json never_fail = node.wait_pod(node.static_name("never-fail"), finished("Failed"), "phase Failed");
  CHECK(terminated(never_fail)["exitCode"] == 1);
  CHECK(terminated(never_fail)["reason"] == "Error");
  CHECK(pick(container_status(never_fail, "app"), {"restartCount"}) == 0);

  const json onfailure_ok = node.wait_pod(node.static_name("onfailure-ok"), finished("Succeeded"), "phase Succeeded");
  CHECK(terminated(onfailure_ok)["exitCode"] == 0);
  CHECK(pick(container_status(onfailure_ok, "app"), {"restartCount"}) == 0);

  const json onfailure_fail = node.wait_pod(
      node.static_name("onfailure-fail"), [](const json& pod) { return container_status(pod, "app").value("restartCount", 0) >= 1; },
      "a restart after the failure");
  CHECK(phase(onfailure_fail) != "Succeeded");
  CHECK(phase(onfailure_fail) != "Failed");

  // None of the Never pods' containers was started twice (the runtime may
  // keep the one that ran, or the agent may have collected it).
  CHECK(node.containers_of(uid(never_ok)).size() <= 1);
  CHECK(node.containers_of(uid(never_fail)).size() <= 1);
}

TEST_CASE("a dead sandbox is replaced, its init container runs again first, and under OnFailure a succeeded container does not run again") {
  Node node;
  node.write_manifest("mixed.json",
                      pod_manifest(node.ns(), "mixed",
                                   json::array({shell_container("done", "exit 0"),
                                                shell_container("server", "exec sleep 3600")}),
                                   "OnFailure",
                                   json::array({shell_container("setup", "sleep 1"), shell_container("setup2", "exit 0")})));
  const json before = node.wait_pod(
      node.static_name("mixed"),
      [](const json& pod) {
        return pick(container_status(pod, "done"), {"state", "terminated", "exitCode"}) == 0 &&
               pick(container_status(pod, "server"), {"state", "running"}).is_object();
      },
      "done exited 0 and server running");
  const std::string pod_uid = uid(before);
  const std::string server_before = current_id(container_status(before, "server"));
  const std::string done_before = current_id(container_status(before, "done"));

  // The sandbox dies behind the agent's back (its containers with it).
  const auto sandboxes = node.sandboxes_of(pod_uid);
  REQUIRE(sandboxes.size() == 1);
  {
    grpc::ClientContext context;
    cri::StopPodSandboxRequest request;
    request.set_pod_sandbox_id(sandboxes[0].id());
    cri::StopPodSandboxResponse response;
    REQUIRE(node.shim().runtime()->StopPodSandbox(&context, request, &response).ok());
  }
  const json after = node.wait_pod(
      node.static_name("mixed"),
      [&](const json& pod) {
        const json server = container_status(pod, "server");
        return pick(server, {"state", "running"}).is_object() && current_id(server) != server_before;
      },
      "server running again in a new sandbox");
  // At least the one restart. Its crash may be seen before the sandbox's
  // death is (StopPodSandbox stops the containers first): a restart in the
  // dying sandbox then fails to start and counts too, as with kubelet.
  CHECK(restart_count(container_status(after, "server")) >= 1);
  // The new sandbox ran both init containers again, in order, each to its
  // end, before the app container (kubelet: a new sandbox starts with its
  // init containers; the old sandbox's records say nothing about it).
  {
    const auto containers = node.containers_of(pod_uid);
    auto in_new_sandbox = [&](const std::string& name, const std::string& sandbox_id) -> const cri::Container* {
      for (const auto& c : containers)
        if (c.metadata().name() == name && c.pod_sandbox_id() == sandbox_id) return &c;
      return nullptr;
    };
    const cri::Container* new_server = nullptr;
    for (const auto& c : containers)
      if (c.id() == current_id(container_status(after, "server"))) new_server = &c;
    REQUIRE(new_server);
    REQUIRE(new_server->pod_sandbox_id() != sandboxes[0].id());
    const cri::Container* setup = in_new_sandbox("setup", new_server->pod_sandbox_id());
    const cri::Container* setup2 = in_new_sandbox("setup2", new_server->pod_sandbox_id());
    REQUIRE_MESSAGE(setup, "setup did not run in the new sandbox\n" << node.agent_log_tail());
    REQUIRE_MESSAGE(setup2, "setup2 did not run in the new sandbox\n" << node.agent_log_tail());
    CHECK(setup->state() == cri::CONTAINER_EXITED);
    CHECK(setup2->state() == cri::CONTAINER_EXITED);
    CHECK(setup->created_at() < setup2->created_at());
    CHECK(setup2->created_at() < new_server->created_at());
  }
  // A few resyncs later, "done" has still run only once: its success counts
  // across sandboxes (it needs its old sandbox's record to know).
  const bool reran = support::wait_for(
      [&] {
        for (const auto& c : node.containers_of(pod_uid))
          if (c.metadata().name() == "done" && c.id() != done_before) return true;
        return false;
      },
      4s, 200ms);
  CHECK_FALSE_MESSAGE(reran, "\"done\" ran again, or its record was lost\n" << node.agent_log_tail());
  const json now = node.wait_pod(node.static_name("mixed"), [](const json&) { return true; }, "the pod");
  CHECK(restart_count(container_status(now, "done")) == 0);
  CHECK(current_id(container_status(now, "done")) == done_before);
  CHECK(pick(container_status(now, "done"), {"state", "terminated", "exitCode"}) == 0);
}

TEST_CASE("the termination message is read back from terminationMessagePath") {
  Node node;
  json custom = shell_container("custom", "printf 'custom path words' > /tmp/last-words; exit 0");
  custom["terminationMessagePath"] = "/tmp/last-words";
  node.write_manifest(
      "message.json",
      pod_manifest(node.ns(), "message",
                   json::array({shell_container("app", "printf 'bye from app' > /dev/termination-log; exit 3"),
                                custom}),
                   "Never"));
  const json pod = node.wait_pod(
      node.static_name("message"),
      [](const json& pod) { return phase(pod) == "Failed" || phase(pod) == "Succeeded"; },
      "both containers finished");
  CHECK(phase(pod) == "Failed");  // one container failed under Never
  json app = pick(container_status(pod, "app"), {"state", "terminated"});
  CHECK(app["exitCode"] == 3);
  CHECK(app.value("message", "") == "bye from app");
  json other = pick(container_status(pod, "custom"), {"state", "terminated"});
  CHECK(other["exitCode"] == 0);
  CHECK(other.value("message", "") == "custom path words");
}

}  // namespace
}  // namespace e2e
