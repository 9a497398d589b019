// The worker's rules, tick by tick, with a scripted probe and pod status.
#include "agent/prober/probe_worker.h"

#include <doctest/doctest.h>

#include <deque>

using namespace agent;
using namespace agent::prober;

namespace {

struct Fixture {
  std::optional<status::PodStatus> status;
  std::deque<ProbeResult> script;  // what the next runs answer; empty: Success
  int runs = 0;
  std::string last_ip, last_id;
  int64_t now = 1000;
  std::vector<std::string> changes;  // pod UIDs whose result moved
  ProbeWorkerContext context;
  ResultsCache results{[this](const std::string& uid) { changes.push_back(uid); }};
  ResultsCache startup_results;
  pod::Pod pod;

  Fixture() {
    context.pod_status = [this](const std::string&) { return status; };
    context.run = [this](const pod::Probe&, const std::string& id, const std::string& ip) {
      ++runs;
      last_id = id;
      last_ip = ip;
      ProbeResult r = ProbeResult::Success;
      if (!script.empty()) r = script.front(), script.pop_front();
      return ProbeOutcome{r, "scripted"};
    };
    context.now_s = [this] { return now; };
    pod.metadata.uid = "uid-1";
    pod.metadata.name = "web";
    pod::Container c;
    c.name = "app";
    pod.spec.containers.push_back(c);
  }

  pod::Container& app() { return pod.spec.containers[0]; }

  // The pod running "app" as container `id`, started at `started_at`.
  void running(const std::string& id, int64_t started_at = 900) {
    status::PodStatus s;
    s.phase = "Running";
    s.pod_ip = "10.1.2.3";
    status::ContainerStatus c;
    c.name = "app";
    c.container_id = "docker://" + id;
    c.state.running = status::ContainerStateRunning{started_at};
    s.container_statuses.push_back(c);
    status = s;
  }
  void exited(const std::string& id) {
    running(id);
    auto& c = status->container_statuses[0];
    c.state = status::ContainerState{};
    c.state.terminated = status::ContainerStateTerminated{};
  }
};

pod::Probe probe(int success = 1, int failure = 3, int delay = 0) {
  pod::Probe p;
  p.handler = pod::ExecAction{{"true"}};
  p.success_threshold = success;
  p.failure_threshold = failure;
  p.initial_delay_seconds = delay;
  return p;
}

}  // namespace

TEST_CASE("readiness: Failure until the first success, thresholds count runs in a row") {
  Fixture f;
  f.app().readiness_probe = probe(2, 2);
  ProbeWorker w(f.context, f.results, f.startup_results, f.pod, f.app(), pod::ProbeKind::Readiness);

  CHECK(w.tick());  // no status yet: nothing
  CHECK(f.runs == 0);
  CHECK_FALSE(f.results.get("c1"));

  f.running("c1");
  f.script = {ProbeResult::Success, ProbeResult::Failure, ProbeResult::Success, ProbeResult::Success,
              ProbeResult::Failure, ProbeResult::Failure};
  CHECK(w.tick());
  CHECK(f.last_id == "c1");
  CHECK(f.last_ip == "10.1.2.3");
  CHECK(f.results.get("c1") == ProbeResult::Failure);  // the initial value; one success is not two
  w.tick();                                              // a failure breaks the run
  w.tick();
  CHECK(f.results.get("c1") == ProbeResult::Failure);
  w.tick();  // second success in a row
  CHECK(f.results.get("c1") == ProbeResult::Success);
  w.tick();
  CHECK(f.results.get("c1") == ProbeResult::Success);
  w.tick();  // second failure in a row
  CHECK(f.results.get("c1") == ProbeResult::Failure);
  CHECK(f.changes == std::vector<std::string>{"uid-1", "uid-1", "uid-1"});  // initial, success, failure
  CHECK(f.runs == 6);
}

TEST_CASE("liveness: Success at first; a counted failure holds the worker until the container is replaced") {
  Fixture f;
  f.app().liveness_probe = probe(1, 2);
  ProbeWorker w(f.context, f.results, f.startup_results, f.pod, f.app(), pod::ProbeKind::Liveness);
  f.running("c1");
  f.script = {ProbeResult::Failure, ProbeResult::Failure};
  w.tick();
  CHECK(f.results.get("c1") == ProbeResult::Success);
  w.tick();
  CHECK(f.results.get("c1") == ProbeResult::Failure);
  w.tick();
  w.tick();
  CHECK(f.runs == 2);  // held: the syncer kills c1

  f.running("c2");  // its replacement
  w.tick();
  CHECK(f.runs == 3);
  CHECK_FALSE(f.results.get("c1"));
  CHECK(f.results.get("c2") == ProbeResult::Success);
}

TEST_CASE("Unknown results are dropped; initialDelaySeconds counts from the container's start") {
  Fixture f;
  f.app().liveness_probe = probe(1, 1, 30);
  ProbeWorker w(f.context, f.results, f.startup_results, f.pod, f.app(), pod::ProbeKind::Liveness);
  f.running("c1", /*started_at=*/990);
  f.now = 1000;  // 10 s after the start
  w.tick();
  CHECK(f.runs == 0);
  f.now = 1020;  // 30 s
  f.script = {ProbeResult::Unknown};
  w.tick();
  CHECK(f.runs == 1);
  CHECK(f.results.get("c1") == ProbeResult::Success);  // the initial value stays
}

TEST_CASE("the startup probe holds the others, and stops once it has succeeded") {
  Fixture f;
  f.app().startup_probe = probe(1, 3);
  f.app().liveness_probe = probe(1, 1);
  ProbeWorker startup(f.context, f.startup_results, f.startup_results, f.pod, f.app(), pod::ProbeKind::Startup);
  ProbeWorker liveness(f.context, f.results, f.startup_results, f.pod, f.app(), pod::ProbeKind::Liveness);
  f.running("c1");
  f.script = {ProbeResult::Failure};
  liveness.tick();
  CHECK(f.runs == 0);  // not started: liveness waits
  startup.tick();      // a failure, below its threshold of 3
  CHECK(f.runs == 1);
  CHECK(f.startup_results.get("c1") == ProbeResult::Unknown);
  startup.tick();  // success
  CHECK(f.startup_results.get("c1") == ProbeResult::Success);
  startup.tick();
  CHECK(f.runs == 2);  // no startup probe after it succeeded
  liveness.tick();
  CHECK(f.runs == 3);
}

TEST_CASE("a container that is not running reads Failure; a finished pod or a Never container ends the worker") {
  Fixture f;
  f.app().readiness_probe = probe();
  {
    ProbeWorker w(f.context, f.results, f.startup_results, f.pod, f.app(), pod::ProbeKind::Readiness);
    f.exited("c1");
    CHECK(w.tick());  // restartPolicy Always: it will run again
    CHECK(f.results.get("c1") == ProbeResult::Failure);
    f.status->phase = "Succeeded";
    CHECK_FALSE(w.tick());
  }
  CHECK_FALSE(f.results.get("c1"));  // a worker's end drops its result
  f.pod.spec.restart_policy = pod::RestartPolicy::Never;
  ProbeWorker never(f.context, f.results, f.startup_results, f.pod, f.app(), pod::ProbeKind::Readiness);
  f.exited("c1");
  f.status->phase = "Running";
  CHECK_FALSE(never.tick());
  CHECK(f.runs == 0);
}
