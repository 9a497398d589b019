// compute_pod_actions: kubelet's computePodActions rules, one case each.
#include <doctest/doctest.h>

#include "agent/runtime/pod_actions.h"

using namespace agent;
using runtime::ContainerPhase;
using runtime::ContainerState;
using runtime::PodRuntimeState;
using runtime::SandboxState;

namespace {

pod::Pod make_pod(pod::RestartPolicy policy, std::vector<std::string> apps, std::vector<std::string> inits = {}) {
  pod::Pod p;
  p.metadata.name = "web";
  p.metadata.uid = "u1";
  p.spec.restart_policy = policy;
  for (auto& n : apps) {
    pod::Container c;
    c.name = n;
    c.image = "busybox";
    p.spec.containers.push_back(c);
  }
  for (auto& n : inits) {
    pod::Container c;
    c.name = n;
    c.image = "busybox";
    p.spec.init_containers.push_back(c);
  }
  return p;
}

std::string hash_of(const pod::Container& c) { return "h-" + c.name; }

ContainerState container(const std::string& name, ContainerPhase phase, int exit_code = 0, int64_t created = 1,
                         uint32_t restarts = 0, const std::string& sandbox = "s1") {
  ContainerState c;
  c.id = name + "-" + std::to_string(created);
  c.name = name;
  c.phase = phase;
  c.exit_code = exit_code;
  c.created_at_ns = created;
  c.restart_count = restarts;
  c.sandbox_id = sandbox;
  c.hash = "h-" + name;
  return c;
}

PodRuntimeState with_sandbox(bool ready, std::vector<ContainerState> containers = {}) {
  PodRuntimeState s;
  s.uid = "u1";
  SandboxState sb;
  sb.id = "s1";
  sb.ready = ready;
  sb.attempt = 2;
  s.sandboxes.push_back(sb);
  s.containers = std::move(containers);
  return s;
}

runtime::BackoffCheck no_backoff = [](const ContainerState&) { return std::chrono::milliseconds(0); };

}  // namespace

TEST_CASE("a new pod gets a sandbox and every app container") {
  auto a = runtime::compute_pod_actions(make_pod(pod::RestartPolicy::Always, {"a", "b"}), {}, hash_of, no_backoff);
  CHECK(a.create_sandbox);
  CHECK_FALSE(a.kill_pod);
  CHECK(a.sandbox_attempt == 0);
  REQUIRE(a.containers_to_start.size() == 2);
  CHECK(a.containers_to_start[0].restart_count == 0);
}

TEST_CASE("a new pod with init containers starts only the first init container") {
  auto a = runtime::compute_pod_actions(make_pod(pod::RestartPolicy::Always, {"a"}, {"i1", "i2"}), {}, hash_of,
                                        no_backoff);
  CHECK(a.create_sandbox);
  REQUIRE(a.containers_to_start.size() == 1);
  CHECK(a.containers_to_start[0].init);
  CHECK(a.containers_to_start[0].index == 0);
}

TEST_CASE("init containers run in order, then the app containers") {
  auto p = make_pod(pod::RestartPolicy::Always, {"a"}, {"i1", "i2"});
  auto a = runtime::compute_pod_actions(p, with_sandbox(true, {container("i1", ContainerPhase::Running)}), hash_of,
                                        no_backoff);
  CHECK(a.containers_to_start.empty());
  a = runtime::compute_pod_actions(p, with_sandbox(true, {container("i1", ContainerPhase::Exited, 0)}), hash_of,
                                   no_backoff);
  REQUIRE(a.containers_to_start.size() == 1);
  CHECK(a.containers_to_start[0].init);
  CHECK(a.containers_to_start[0].index == 1);
  a = runtime::compute_pod_actions(
      p, with_sandbox(true, {container("i2", ContainerPhase::Exited, 0, 2), container("i1", ContainerPhase::Exited, 0)}),
      hash_of, no_backoff);
  REQUIRE(a.containers_to_start.size() == 1);
  CHECK_FALSE(a.containers_to_start[0].init);
}

TEST_CASE("a new sandbox runs every init container again, in order, before the app containers") {
  // The first sandbox ran i1, i2 and a; it died and s2 replaced it.
  auto p = make_pod(pod::RestartPolicy::Always, {"a"}, {"i1", "i2"});
  auto state = with_sandbox(false, {container("a", ContainerPhase::Exited, 137, 3, 1, "s1"),
                                    container("i2", ContainerPhase::Exited, 0, 2, 0, "s1"),
                                    container("i1", ContainerPhase::Exited, 0, 1, 0, "s1")});
  SandboxState s2;
  s2.id = "s2";
  s2.ready = true;
  s2.attempt = 3;
  state.sandboxes.insert(state.sandboxes.begin(), s2);

  // i1 runs in s2: nothing else starts meanwhile (neither i2 nor a).
  state.containers.insert(state.containers.begin(), container("i1", ContainerPhase::Running, 0, 4, 1, "s2"));
  auto a = runtime::compute_pod_actions(p, state, hash_of, no_backoff);
  CHECK(a.containers_to_start.empty());
  CHECK_FALSE(a.create_sandbox);

  // i1 done in s2: i2 runs again, its restart count going on.
  state.containers[0] = container("i1", ContainerPhase::Exited, 0, 4, 1, "s2");
  a = runtime::compute_pod_actions(p, state, hash_of, no_backoff);
  REQUIRE(a.containers_to_start.size() == 1);
  CHECK(a.containers_to_start[0].init);
  CHECK(a.containers_to_start[0].index == 1);
  CHECK(a.containers_to_start[0].restart_count == 1);

  // Both done in s2: the app container.
  state.containers.insert(state.containers.begin(), container("i2", ContainerPhase::Exited, 0, 5, 1, "s2"));
  a = runtime::compute_pod_actions(p, state, hash_of, no_backoff);
  REQUIRE(a.containers_to_start.size() == 1);
  CHECK_FALSE(a.containers_to_start[0].init);
  CHECK(a.containers_to_start[0].restart_count == 2);
}

TEST_CASE("a failed init container fails a Never pod and is retried otherwise") {
  auto state = with_sandbox(true, {container("i1", ContainerPhase::Exited, 1)});
  auto a = runtime::compute_pod_actions(make_pod(pod::RestartPolicy::Never, {"a"}, {"i1"}), state, hash_of, no_backoff);
  CHECK(a.pod_failed);
  CHECK(a.kill_pod);
  CHECK(a.containers_to_start.empty());
  a = runtime::compute_pod_actions(make_pod(pod::RestartPolicy::OnFailure, {"a"}, {"i1"}), state, hash_of, no_backoff);
  CHECK_FALSE(a.pod_failed);
  REQUIRE(a.containers_to_start.size() == 1);
  CHECK(a.containers_to_start[0].init);
  CHECK(a.containers_to_start[0].restart_count == 1);
}

TEST_CASE("exited app containers restart by policy") {
  auto exit0 = with_sandbox(true, {container("a", ContainerPhase::Exited, 0, 1, 3)});
  auto exit1 = with_sandbox(true, {container("a", ContainerPhase::Exited, 1, 1, 3)});
  auto always = make_pod(pod::RestartPolicy::Always, {"a"});
  auto onfailure = make_pod(pod::RestartPolicy::OnFailure, {"a"});
  auto never = make_pod(pod::RestartPolicy::Never, {"a"});
  auto a = runtime::compute_pod_actions(always, exit0, hash_of, no_backoff);
  REQUIRE(a.containers_to_start.size() == 1);
  CHECK(a.containers_to_start[0].restart_count == 4);
  CHECK(runtime::compute_pod_actions(onfailure, exit1, hash_of, no_backoff).containers_to_start.size() == 1);
  auto done = runtime::compute_pod_actions(onfailure, exit0, hash_of, no_backoff);
  CHECK(done.containers_to_start.empty());
  CHECK(done.finished);
  CHECK(done.kill_pod);  // the finished pod's sandbox is stopped
  CHECK(runtime::compute_pod_actions(never, exit1, hash_of, no_backoff).containers_to_start.empty());
}

TEST_CASE("a container in back-off waits and the pod is looked at when it ends") {
  auto exit1 = with_sandbox(true, {container("a", ContainerPhase::Exited, 1)});
  auto a = runtime::compute_pod_actions(make_pod(pod::RestartPolicy::Always, {"a"}), exit1, hash_of,
                                        [](const ContainerState&) { return std::chrono::milliseconds(7000); });
  CHECK(a.containers_to_start.empty());
  REQUIRE(a.backing_off.size() == 1);
  CHECK(a.backing_off[0].first == "a");
  REQUIRE(a.requeue_after);
  CHECK(a.requeue_after->count() == 7000);
}

TEST_CASE("a container whose start failed counts as a run: restarted under back-off, ends a Never pod") {
  // What the syncer leaves after a failed StartContainer (pod_syncer.h): the
  // container, reported EXITED by the runtime as dockershim did, never ran.
  auto cannot_run = container("a", ContainerPhase::Exited, 127, 5, 2);
  cannot_run.reason = "ContainerCannotRun";
  cannot_run.started_at_ns = cannot_run.finished_at_ns = cannot_run.created_at_ns;
  const auto state = with_sandbox(true, {cannot_run});
  auto always = runtime::compute_pod_actions(make_pod(pod::RestartPolicy::Always, {"a"}), state, hash_of, no_backoff);
  REQUIRE(always.containers_to_start.size() == 1);
  CHECK(always.containers_to_start[0].restart_count == 3);  // counted, as any exit
  CHECK(always.containers_to_start[0].created_id.empty());   // a new container, not the failed one again
  auto waiting = runtime::compute_pod_actions(make_pod(pod::RestartPolicy::Always, {"a"}), state, hash_of,
                                              [](const ContainerState&) { return std::chrono::milliseconds(20000); });
  CHECK(waiting.containers_to_start.empty());
  REQUIRE(waiting.backing_off.size() == 1);  // CrashLoopBackOff
  auto never = runtime::compute_pod_actions(make_pod(pod::RestartPolicy::Never, {"a"}), state, hash_of, no_backoff);
  CHECK(never.containers_to_start.empty());
  CHECK(never.finished);
}

TEST_CASE("a running container whose spec changed is killed and started again") {
  auto state = with_sandbox(true, {container("a", ContainerPhase::Running, 0, 1, 2)});
  state.containers[0].hash = "old";
  auto a = runtime::compute_pod_actions(make_pod(pod::RestartPolicy::Always, {"a"}), state, hash_of, no_backoff);
  REQUIRE(a.containers_to_kill.size() == 1);
  REQUIRE(a.containers_to_start.size() == 1);
  CHECK(a.containers_to_start[0].restart_count == 3);
}

TEST_CASE("a running pod needs nothing (what a restarted agent sees)") {
  auto state = with_sandbox(true, {container("a", ContainerPhase::Running), container("b", ContainerPhase::Running)});
  auto a = runtime::compute_pod_actions(make_pod(pod::RestartPolicy::Always, {"a", "b"}), state, hash_of, no_backoff);
  CHECK_FALSE(a.kill_pod);
  CHECK_FALSE(a.create_sandbox);
  CHECK(a.containers_to_start.empty());
  CHECK(a.containers_to_kill.empty());
  CHECK(a.sandbox_id == "s1");
}

TEST_CASE("a dead sandbox is replaced with the next attempt, keeping restart counts") {
  auto state = with_sandbox(false, {container("a", ContainerPhase::Exited, 137, 1, 4)});
  auto a = runtime::compute_pod_actions(make_pod(pod::RestartPolicy::Always, {"a"}), state, hash_of, no_backoff);
  CHECK(a.create_sandbox);
  CHECK(a.kill_pod);
  CHECK(a.sandbox_attempt == 3);
  REQUIRE(a.containers_to_start.size() == 1);
  CHECK(a.containers_to_start[0].restart_count == 5);
}

TEST_CASE("a finished Never pod is not brought back when its sandbox is gone") {
  auto state = with_sandbox(false, {container("a", ContainerPhase::Exited, 0)});
  auto a = runtime::compute_pod_actions(make_pod(pod::RestartPolicy::Never, {"a"}), state, hash_of, no_backoff);
  CHECK(a.finished);
  CHECK_FALSE(a.create_sandbox);
  CHECK(a.containers_to_start.empty());
  // Killed all the same: a sandbox that died by itself may still hold its
  // network until StopPodSandbox (sandbox_stops.h decides if it is due).
  CHECK(a.kill_pod);
  auto done = runtime::compute_pod_actions(make_pod(pod::RestartPolicy::OnFailure, {"a"}), state, hash_of, no_backoff);
  CHECK(done.finished);
  CHECK(done.kill_pod);
}

TEST_CASE("a container created but never started in this sandbox is started, not made again") {
  auto state = with_sandbox(true, {container("a", ContainerPhase::Created)});
  auto a = runtime::compute_pod_actions(make_pod(pod::RestartPolicy::Always, {"a"}), state, hash_of, no_backoff);
  REQUIRE(a.containers_to_start.size() == 1);
  CHECK(a.containers_to_start[0].created_id == "a-1");
}

TEST_CASE("a container in an unknown state is killed before its replacement starts") {
  auto state = with_sandbox(true, {container("a", ContainerPhase::Unknown, 0, 1, 1)});
  auto a = runtime::compute_pod_actions(make_pod(pod::RestartPolicy::Always, {"a"}), state, hash_of, no_backoff);
  REQUIRE(a.containers_to_kill.size() == 1);
  CHECK(a.containers_to_kill[0].id == "a-1");
  REQUIRE(a.containers_to_start.size() == 1);
  CHECK(a.containers_to_start[0].restart_count == 2);
}

TEST_CASE("a running container the spec no longer names is killed") {
  auto state = with_sandbox(true, {container("a", ContainerPhase::Running), container("gone", ContainerPhase::Running, 0, 2)});
  auto a = runtime::compute_pod_actions(make_pod(pod::RestartPolicy::Always, {"a"}), state, hash_of, no_backoff);
  REQUIRE(a.containers_to_kill.size() == 1);
  CHECK(a.containers_to_kill[0].name == "gone");
  CHECK(a.containers_to_start.empty());
}

TEST_CASE("a failed liveness or startup probe kills the running container, with the probe's grace") {
  pod::Pod pod = make_pod(pod::RestartPolicy::Always, {"app", "side"});
  pod::Probe probe;
  probe.handler = pod::ExecAction{{"true"}};
  probe.termination_grace_period_seconds = 5;
  pod.spec.containers[0].liveness_probe = probe;
  pod.spec.containers[1].startup_probe = pod::Probe{};
  const auto state = with_sandbox(true, {container("app", ContainerPhase::Running),
                                         container("side", ContainerPhase::Running)});
  auto no_backoff = [](const ContainerState&) { return std::chrono::milliseconds(0); };

  // Nothing failed: nothing to do.
  auto actions = compute_pod_actions(pod, state, hash_of, no_backoff,
                                     [](const pod::Container&, const ContainerState&) { return std::nullopt; });
  CHECK(actions.containers_to_kill.empty());

  actions = compute_pod_actions(pod, state, hash_of, no_backoff,
                                [](const pod::Container& c, const ContainerState&) -> std::optional<pod::ProbeKind> {
                                  return c.name == "app" ? pod::ProbeKind::Liveness : pod::ProbeKind::Startup;
                                });
  REQUIRE(actions.containers_to_kill.size() == 2);
  CHECK(actions.containers_to_kill[0].id == "app-1");
  CHECK(actions.containers_to_kill[0].reason == "Container app failed liveness probe, will be restarted");
  CHECK(actions.containers_to_kill[0].grace_seconds == 5);
  CHECK(actions.containers_to_kill[1].reason == "Container side failed startup probe, will be restarted");
  CHECK_FALSE(actions.containers_to_kill[1].grace_seconds);  // the pod's
  // Started again by the restart policy once it has exited, at the next look.
  CHECK(actions.containers_to_start.empty());
  CHECK(actions.requeue_after == std::chrono::milliseconds(0));

  pod.spec.restart_policy = pod::RestartPolicy::Never;
  actions = compute_pod_actions(pod, state, hash_of, no_backoff,
                                [](const pod::Container& c, const ContainerState&) -> std::optional<pod::ProbeKind> {
                                  if (c.liveness_probe) return pod::ProbeKind::Liveness;
                                  return std::nullopt;
                                });
  REQUIRE(actions.containers_to_kill.size() == 1);
  CHECK(actions.containers_to_kill[0].reason == "Container app failed liveness probe");
}
