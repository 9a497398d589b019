#include "agent/status/generate_status.h"

#include <doctest/doctest.h>

#include <set>

using namespace agent;
using namespace agent::status;
using runtime::ContainerPhase;

namespace {

constexpr int64_t kNow = 1795953600;  // 2026-11-29T12:00:00Z
constexpr int64_t kSec = 1000000000;

pod::Container container(const std::string& name) {
  pod::Container c;
  c.name = name;
  c.image = "busybox:1.36";
  return c;
}

pod::Pod make_pod(std::vector<std::string> apps, std::vector<std::string> inits = {},
                  pod::RestartPolicy policy = pod::RestartPolicy::Always) {
  pod::Pod p;
  p.metadata.name = "web";
  p.metadata.uid = "uid-1";
  for (const auto& n : inits) p.spec.init_containers.push_back(container(n));
  for (const auto& n : apps) p.spec.containers.push_back(container(n));
  p.spec.restart_policy = policy;
  return p;
}

// Runtime containers are appended oldest first here and reversed by state().
struct RuntimeBuilder {
  runtime::PodRuntimeState st;
  int next = 0;
  RuntimeBuilder& sandbox(bool ready, const std::string& ip = "10.88.0.5") {
    runtime::SandboxState sb;
    sb.id = "sb" + std::to_string(st.sandboxes.size());
    sb.ready = ready;
    sb.ip = ready ? ip : "";
    st.sandboxes.insert(st.sandboxes.begin(), sb);
    return *this;
  }
  RuntimeBuilder& running(const std::string& name, uint32_t restarts = 0) {
    auto c = base(name, restarts);
    c.phase = ContainerPhase::Running;
    return push(c);
  }
  RuntimeBuilder& exited(const std::string& name, int32_t code, uint32_t restarts = 0, std::string reason = "") {
    auto c = base(name, restarts);
    c.phase = ContainerPhase::Exited;
    c.exit_code = code;
    c.reason = std::move(reason);
    c.finished_at_ns = c.started_at_ns + 100 * kSec;
    return push(c);
  }
  RuntimeBuilder& created(const std::string& name) {
    auto c = base(name, 0);
    c.phase = ContainerPhase::Created;
    return push(c);
  }
  runtime::ContainerState base(const std::string& name, uint32_t restarts) {
    runtime::ContainerState c;
    c.id = name + "-" + std::to_string(next);
    c.name = name;
    c.restart_count = restarts;
    c.created_at_ns = (900 + next) * kSec;
    c.started_at_ns = (900 + next) * kSec + 7;
    c.image = "busybox:1.36";
    c.image_ref = "sha256:abc";
    ++next;
    return c;
  }
  RuntimeBuilder& push(runtime::ContainerState c) {
    st.containers.insert(st.containers.begin(), std::move(c));
    return *this;
  }
};

PodStatus gen(const pod::Pod& p, const runtime::PodRuntimeState& st, const runtime::SyncResult& sync = {}) {
  return generate_pod_status(p, st, sync, "docker", "192.168.1.10", kNow);
}

const PodCondition& condition(const PodStatus& s, const std::string& type) {
  for (const auto& c : s.conditions)
    if (c.type == type) return c;
  FAIL("no condition " << type);
  static PodCondition none;
  return none;
}

std::string phase_for(pod::RestartPolicy policy, std::vector<int> exits) {
  std::vector<std::string> names;
  RuntimeBuilder rt;
  rt.sandbox(true);
  for (size_t i = 0; i < exits.size(); ++i) {
    names.push_back("c" + std::to_string(i));
    if (exits[i] < 0)
      rt.running(names.back());
    else
      rt.exited(names.back(), exits[i]);
  }
  return gen(make_pod(names, {}, policy), rt.st).phase;
}

}  // namespace

TEST_CASE("phase table: restart policy x exit codes") {
  using RP = pod::RestartPolicy;
  // -1 = running
  CHECK(phase_for(RP::Always, {-1, -1}) == "Running");
  CHECK(phase_for(RP::Always, {-1, 0}) == "Running");
  CHECK(phase_for(RP::Always, {0, 0}) == "Running");   // restarting
  CHECK(phase_for(RP::Always, {1, 0}) == "Running");
  CHECK(phase_for(RP::OnFailure, {0, 0}) == "Succeeded");
  CHECK(phase_for(RP::OnFailure, {1, 0}) == "Running");  // the failed one restarts
  CHECK(phase_for(RP::OnFailure, {-1, 0}) == "Running");
  CHECK(phase_for(RP::Never, {0, 0}) == "Succeeded");
  CHECK(phase_for(RP::Never, {0, 2}) == "Failed");
  CHECK(phase_for(RP::Never, {137}) == "Failed");
  CHECK(phase_for(RP::Never, {-1, 1}) == "Running");
}

TEST_CASE("a pod killed for good is Succeeded or Failed whatever its policy") {
  RuntimeBuilder rt;
  rt.sandbox(false).exited("a", 0).exited("b", 137);
  runtime::SyncResult sync;
  sync.terminated = true;
  CHECK(gen(make_pod({"a", "b"}), rt.st, sync).phase == "Failed");
  RuntimeBuilder ok;
  ok.sandbox(false).exited("a", 0);
  CHECK(gen(make_pod({"a"}), ok.st, sync).phase == "Succeeded");
}

TEST_CASE("nothing created yet: Pending, ContainerCreating, no IP") {
  runtime::PodRuntimeState st;
  auto s = gen(make_pod({"a", "b"}), st);
  CHECK(s.phase == "Pending");
  REQUIRE(s.container_statuses.size() == 2);
  CHECK(s.container_statuses[0].name == "a");
  CHECK(s.container_statuses[1].name == "b");
  for (const auto& c : s.container_statuses) {
    REQUIRE(c.state.waiting);
    CHECK(c.state.waiting->reason == "ContainerCreating");
    CHECK(c.last_state.empty());
    CHECK_FALSE(c.ready);
    CHECK(c.started == false);
    CHECK(c.image == "busybox:1.36");
    CHECK(c.image_id.empty());
    CHECK(c.container_id.empty());
  }
  CHECK(s.pod_ip.empty());
  CHECK(s.host_ip == "192.168.1.10");
  CHECK(s.start_time == kNow);
  CHECK(s.qos_class == "BestEffort");
}

TEST_CASE("running pod: container status fields, IPs, conditions True") {
  RuntimeBuilder rt;
  rt.sandbox(false, "").sandbox(true, "10.88.0.9").running("a", 3);
  rt.st.sandboxes.front().additional_ips = {"fd00::9"};
  auto s = gen(make_pod({"a"}), rt.st);
  CHECK(s.phase == "Running");
  const auto& c = s.container_statuses.at(0);
  REQUIRE(c.state.running);
  CHECK(c.state.running->started_at == 900);
  CHECK(c.ready);
  CHECK(c.started == true);
  CHECK(c.restart_count == 3);
  CHECK(c.container_id == "docker://a-0");
  CHECK(c.image_id == "sha256:abc");
  CHECK(s.pod_ip == "10.88.0.9");
  CHECK(s.pod_ips == std::vector<std::string>{"10.88.0.9", "fd00::9"});
  for (const char* type : {"Initialized", "Ready", "ContainersReady", "PodScheduled"}) {
    CHECK(condition(s, type).status == "True");
    CHECK(condition(s, type).last_transition_time == kNow);
  }
  // kubelet's order
  REQUIRE(s.conditions.size() == 4);
  CHECK(s.conditions[0].type == "Initialized");
  CHECK(s.conditions[3].type == "PodScheduled");
}

TEST_CASE("host-network pod has the host's IP") {
  auto p = make_pod({"a"});
  p.spec.host_network = true;
  RuntimeBuilder rt;
  rt.sandbox(true, "").running("a");
  auto s = gen(p, rt.st);
  CHECK(s.pod_ip == "192.168.1.10");
  CHECK(s.pod_ips == std::vector<std::string>{"192.168.1.10"});
}

TEST_CASE("terminated container: exit code, reason, message, times, id") {
  RuntimeBuilder rt;
  rt.sandbox(true).exited("a", 0);
  rt.st.containers.front().message = "all done";
  auto s = gen(make_pod({"a"}, {}, pod::RestartPolicy::Never), rt.st);
  const auto& t = s.container_statuses.at(0).state.terminated;
  REQUIRE(t);
  CHECK(t->exit_code == 0);
  CHECK(t->reason == "Completed");  // CRI gave none
  CHECK(t->message == "all done");
  CHECK(t->started_at == 900);
  CHECK(t->finished_at == 1000);
  CHECK(t->container_id == "docker://a-0");
  CHECK_FALSE(s.container_statuses[0].ready);

  RuntimeBuilder oom;
  oom.sandbox(true).exited("a", 137, 0, "OOMKilled");
  auto s2 = gen(make_pod({"a"}, {}, pod::RestartPolicy::Never), oom.st);
  CHECK(s2.container_statuses[0].state.terminated->reason == "OOMKilled");
  RuntimeBuilder err;
  err.sandbox(true).exited("a", 2);
  CHECK(gen(make_pod({"a"}, {}, pod::RestartPolicy::Never), err.st).container_statuses[0].state.terminated->reason ==
        "Error");
}

TEST_CASE("lastState and restartCount come from the previous and newest containers") {
  RuntimeBuilder rt;
  rt.sandbox(true).exited("a", 1, 0).exited("a", 1, 1).running("a", 2);
  auto s = gen(make_pod({"a"}), rt.st);
  const auto& c = s.container_statuses.at(0);
  CHECK(c.restart_count == 2);
  REQUIRE(c.state.running);
  REQUIRE(c.last_state.terminated);
  CHECK(c.last_state.terminated->exit_code == 1);
  CHECK(c.last_state.terminated->container_id == "docker://a-1");
  CHECK(c.container_id == "docker://a-2");
}

TEST_CASE("CrashLoopBackOff: waiting with the terminated container in lastState") {
  RuntimeBuilder rt;
  rt.sandbox(true).exited("a", 1, 0).exited("a", 2, 1).running("b");
  runtime::SyncResult sync;
  sync.waiting["a"] = {"CrashLoopBackOff", "back-off 20s restarting failed container=a"};
  auto s = gen(make_pod({"a", "b"}), rt.st, sync);
  const auto& a = s.container_statuses.at(0);
  REQUIRE(a.state.waiting);
  CHECK(a.state.waiting->reason == "CrashLoopBackOff");
  CHECK(a.state.waiting->message == "back-off 20s restarting failed container=a");
  REQUIRE(a.last_state.terminated);
  CHECK(a.last_state.terminated->exit_code == 2);  // the newest run, not the one before
  CHECK(a.restart_count == 1);
  CHECK_FALSE(a.ready);
  CHECK(s.phase == "Running");
  CHECK(condition(s, "Ready").status == "False");
  CHECK(condition(s, "Ready").reason == "ContainersNotReady");
  CHECK(condition(s, "Ready").message == "containers with unready status: [a]");
  CHECK(condition(s, "ContainersReady").message == "containers with unready status: [a]");
}

TEST_CASE("a waiting reason does not override a running container") {
  RuntimeBuilder rt;
  rt.sandbox(true).running("a");
  runtime::SyncResult sync;
  sync.waiting["a"] = {"CrashLoopBackOff", "stale"};
  CHECK(gen(make_pod({"a"}), rt.st, sync).container_statuses[0].state.running);
}

TEST_CASE("image pull errors keep the pod Pending") {
  RuntimeBuilder rt;
  rt.sandbox(true);
  runtime::SyncResult sync;
  sync.waiting["a"] = {"ErrImagePull", "pull access denied"};
  sync.waiting["b"] = {"ImagePullBackOff", "Back-off pulling image"};
  auto s = gen(make_pod({"a", "b"}), rt.st, sync);
  CHECK(s.phase == "Pending");
  CHECK(s.container_statuses[0].state.waiting->reason == "ErrImagePull");
  CHECK(s.container_statuses[1].state.waiting->reason == "ImagePullBackOff");
  CHECK(s.container_statuses[1].last_state.empty());
  CHECK(condition(s, "Ready").message == "containers with unready status: [a b]");
}

TEST_CASE("pod_error becomes the status message") {
  runtime::SyncResult sync;
  sync.pod_error = "RunPodSandbox failed: network unavailable";
  auto s = gen(make_pod({"a"}), {}, sync);
  CHECK(s.message == "RunPodSandbox failed: network unavailable");
  CHECK(s.phase == "Pending");
}

TEST_CASE("init containers: first running, the rest and the apps wait") {
  RuntimeBuilder rt;
  rt.sandbox(true).running("init1");
  auto s = gen(make_pod({"app"}, {"init1", "init2"}), rt.st);
  CHECK(s.phase == "Pending");
  REQUIRE(s.init_container_statuses.size() == 2);
  CHECK(s.init_container_statuses[0].state.running);
  CHECK(s.init_container_statuses[1].state.waiting->reason == "PodInitializing");
  CHECK(s.container_statuses[0].state.waiting->reason == "PodInitializing");
  const auto& init = condition(s, "Initialized");
  CHECK(init.status == "False");
  CHECK(init.reason == "ContainersNotInitialized");
  CHECK(init.message == "containers with incomplete status: [init1 init2]");
  CHECK(condition(s, "Ready").reason == "ContainersNotReady");
}

TEST_CASE("init containers all done: Initialized, apps being created, completed inits ready") {
  RuntimeBuilder rt;
  rt.sandbox(true).exited("init1", 0).exited("init2", 0);
  auto s = gen(make_pod({"app"}, {"init1", "init2"}), rt.st);
  CHECK(s.phase == "Pending");
  CHECK(condition(s, "Initialized").status == "True");
  CHECK(s.container_statuses[0].state.waiting->reason == "ContainerCreating");
  CHECK(s.init_container_statuses[0].ready);
  CHECK(s.init_container_statuses[0].state.terminated->reason == "Completed");

  rt.running("app");
  auto r = gen(make_pod({"app"}, {"init1", "init2"}), rt.st);
  CHECK(r.phase == "Running");
  CHECK(condition(r, "Ready").status == "True");
}

TEST_CASE("a completed init container ignores a stale waiting reason") {
  RuntimeBuilder rt;
  rt.sandbox(true).exited("init1", 0).running("app");
  runtime::SyncResult sync;
  sync.waiting["init1"] = {"CrashLoopBackOff", "stale"};
  auto s = gen(make_pod({"app"}, {"init1"}), rt.st, sync);
  CHECK(s.init_container_statuses[0].state.terminated);
}

TEST_CASE("failed init container: Never fails the pod, other policies retry") {
  RuntimeBuilder rt;
  rt.sandbox(true).exited("init1", 3);
  auto never = gen(make_pod({"app"}, {"init1"}, pod::RestartPolicy::Never), rt.st);
  CHECK(never.phase == "Failed");
  CHECK(never.container_statuses[0].state.waiting->reason == "PodInitializing");
  CHECK(condition(never, "Ready").reason == "PodFailed");

  runtime::SyncResult sync;
  sync.waiting["init1"] = {"CrashLoopBackOff", "back-off 10s"};
  auto on_failure = gen(make_pod({"app"}, {"init1"}, pod::RestartPolicy::OnFailure), rt.st, sync);
  CHECK(on_failure.phase == "Pending");
  CHECK(on_failure.init_container_statuses[0].state.waiting->reason == "CrashLoopBackOff");
  CHECK(on_failure.init_container_statuses[0].last_state.terminated->exit_code == 3);
  CHECK(gen(make_pod({"app"}, {"init1"}, pod::RestartPolicy::Always), rt.st).phase == "Pending");
}

TEST_CASE("created but not started container waits") {
  RuntimeBuilder rt;
  rt.sandbox(true).created("a");
  auto s = gen(make_pod({"a"}), rt.st);
  CHECK(s.phase == "Pending");
  CHECK(s.container_statuses[0].state.waiting->reason == "ContainerCreating");
  CHECK(s.container_statuses[0].container_id == "docker://a-0");
}

TEST_CASE("Succeeded pod: conditions say PodCompleted") {
  RuntimeBuilder rt;
  rt.sandbox(false).exited("a", 0);
  auto s = gen(make_pod({"a"}, {}, pod::RestartPolicy::Never), rt.st);
  CHECK(s.phase == "Succeeded");
  CHECK(condition(s, "Initialized").status == "True");
  CHECK(condition(s, "Initialized").reason == "PodCompleted");
  CHECK(condition(s, "Ready").status == "False");
  CHECK(condition(s, "Ready").reason == "PodCompleted");
  CHECK(condition(s, "ContainersReady").reason == "PodCompleted");
}

TEST_CASE("qos class") {
  auto p = make_pod({"a", "b"});
  CHECK(qos_class(p.spec) == "BestEffort");
  for (auto& c : p.spec.containers) {
    c.resources.limits = {500, 64 << 20};
    c.resources.requests = {500, 64 << 20};
  }
  CHECK(qos_class(p.spec) == "Guaranteed");
  p.spec.containers[1].resources.requests.cpu_milli = 100;
  CHECK(qos_class(p.spec) == "Burstable");
  p.spec.containers[1].resources.requests.cpu_milli = 500;
  p.spec.containers[1].resources.limits.memory_bytes.reset();
  p.spec.containers[1].resources.requests.memory_bytes.reset();
  CHECK(qos_class(p.spec) == "Burstable");  // a container without a memory limit
  auto q = make_pod({"a"}, {"i"});
  q.spec.init_containers[0].resources.requests.memory_bytes = 1 << 20;
  CHECK(qos_class(q.spec) == "Burstable");
}

TEST_CASE("a waiting reason is shown only for a container that will run again") {
  runtime::SyncResult sync;
  sync.waiting["a"] = {"CrashLoopBackOff", "back-off"};
  RuntimeBuilder failed;
  failed.sandbox(true).exited("a", 1);
  RuntimeBuilder done;
  done.sandbox(true).exited("a", 0);
  using RP = pod::RestartPolicy;
  CHECK(gen(make_pod({"a"}, {}, RP::Always), done.st, sync).container_statuses[0].state.waiting);
  CHECK(gen(make_pod({"a"}, {}, RP::OnFailure), failed.st, sync).container_statuses[0].state.waiting);
  CHECK(gen(make_pod({"a"}, {}, RP::OnFailure), done.st, sync).container_statuses[0].state.terminated);
  CHECK(gen(make_pod({"a"}, {}, RP::Never), failed.st, sync).container_statuses[0].state.terminated);
  sync.terminated = true;
  CHECK(gen(make_pod({"a"}, {}, RP::Always), failed.st, sync).container_statuses[0].state.terminated);
}

TEST_CASE("probes: readiness holds `ready`, a startup probe holds `started` and `ready`, until they succeed") {
  pod::Pod p = make_pod({"web", "worker", "plain"});
  p.spec.containers[0].readiness_probe = pod::Probe{};
  p.spec.containers[1].startup_probe = pod::Probe{};
  RuntimeBuilder rt;
  rt.sandbox(true).running("web").running("worker").running("plain");
  std::set<std::pair<pod::ProbeKind, std::string>> succeeded;
  auto probes = [&](pod::ProbeKind kind, const std::string& id) { return succeeded.count({kind, id}) > 0; };
  auto status_of = [&](const PodStatus& s, const std::string& name) {
    for (const auto& c : s.container_statuses)
      if (c.name == name) return c;
    FAIL("no status for " << name);
    return ContainerStatus{};
  };

  PodStatus s = generate_pod_status(p, rt.st, {}, "docker", "192.168.1.10", kNow, probes);
  CHECK_FALSE(status_of(s, "web").ready);
  CHECK(status_of(s, "web").started == true);
  CHECK_FALSE(status_of(s, "worker").ready);
  CHECK(status_of(s, "worker").started == false);
  CHECK(status_of(s, "plain").ready);  // no probe: running is ready
  CHECK(condition(s, "Ready").status == "False");
  CHECK(condition(s, "ContainersReady").message == "containers with unready status: [web worker]");

  succeeded = {{pod::ProbeKind::Readiness, "web-0"}, {pod::ProbeKind::Startup, "worker-1"}};
  s = generate_pod_status(p, rt.st, {}, "docker", "192.168.1.10", kNow, probes);
  CHECK(status_of(s, "web").ready);
  CHECK(status_of(s, "worker").ready);
  CHECK(status_of(s, "worker").started == true);
  CHECK(condition(s, "Ready").status == "True");

  // No probe answers at all (none given): a probed container is not ready.
  s = generate_pod_status(p, rt.st, {}, "docker", "192.168.1.10", kNow);
  CHECK_FALSE(status_of(s, "web").ready);
}
