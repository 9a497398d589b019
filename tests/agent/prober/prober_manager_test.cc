// The manager's schedule: one worker per container and probe, ticks spread
// over the first period, results read back by container ID, workers ended
// with their pod.
#include "agent/prober/prober_manager.h"

#include <doctest/doctest.h>

#include <atomic>
#include <set>
#include <thread>

using namespace agent;
using namespace agent::prober;
using namespace std::chrono_literals;

namespace {

pod::Probe every_second() {
  pod::Probe p;
  p.handler = pod::ExecAction{{"true"}};
  p.period_seconds = 1;
  p.failure_threshold = 1;
  return p;
}

pod::Pod pod_with(int containers, const std::string& uid) {
  pod::Pod pod;
  pod.metadata.uid = uid;
  pod.metadata.name = uid;
  for (int i = 0; i < containers; ++i) {
    pod::Container c;
    c.name = "c" + std::to_string(i);
    c.readiness_probe = every_second();
    c.liveness_probe = every_second();
    pod.spec.containers.push_back(c);
  }
  return pod;
}

status::PodStatus running_status(const pod::Pod& pod) {
  status::PodStatus s;
  s.phase = "Running";
  s.pod_ip = "10.0.0.1";
  for (const auto& c : pod.spec.containers) {
    status::ContainerStatus st;
    st.name = c.name;
    st.container_id = "docker://" + pod.metadata.uid + "-" + c.name;
    st.state.running = status::ContainerStateRunning{0};
    s.container_statuses.push_back(st);
  }
  return s;
}

bool eventually(const std::function<bool()>& done, std::chrono::milliseconds timeout = 5s) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(10ms);
  }
  return done();
}

}  // namespace

TEST_CASE("every probe of every container runs once per period; results are read by container ID") {
  const pod::Pod pod = pod_with(3, "p1");
  std::mutex mutex;
  std::map<std::string, int> runs;  // by container ID
  std::vector<std::chrono::steady_clock::time_point> first_runs;
  std::atomic<int> changes{0};
  ProbeWorkerContext context;
  context.pod_status = [&](const std::string& uid) -> std::optional<status::PodStatus> {
    if (uid != "p1") return std::nullopt;
    return running_status(pod);
  };
  context.run = [&](const pod::Probe&, const std::string& id, const std::string&) {
    std::lock_guard lock(mutex);
    if (runs[id]++ == 0) first_runs.push_back(std::chrono::steady_clock::now());
    // c2 is never healthy.
    return ProbeOutcome{id == "p1-c2" ? ProbeResult::Failure : ProbeResult::Success, ""};
  };
  context.now_s = [] { return int64_t{100}; };
  ProberManager manager(context, [&](const std::string&) { ++changes; });
  const auto added = std::chrono::steady_clock::now();
  manager.add_pod(pod);
  CHECK(manager.worker_count() == 6);
  manager.add_pod(pod);  // the same probes: the same workers
  CHECK(manager.worker_count() == 6);

  REQUIRE(eventually([&] { return manager.succeeded(pod::ProbeKind::Readiness, "p1-c0") &&
                                  manager.succeeded(pod::ProbeKind::Readiness, "p1-c1") &&
                                  manager.failed(pod::ProbeKind::Liveness, "p1-c2") &&
                                  manager.failed(pod::ProbeKind::Readiness, "p1-c2"); }));
  CHECK_FALSE(manager.succeeded(pod::ProbeKind::Startup, "p1-c0"));  // no such probe
  CHECK(changes > 0);
  {
    std::lock_guard lock(mutex);
    // The first runs came within the first period (1 s, and slack for a
    // busy machine) after the pod.
    REQUIRE(first_runs.size() == 3);  // by container ID: c0, c1, c2
    for (const auto& t : first_runs) CHECK(t - added < 3s);
  }

  std::this_thread::sleep_for(2200ms);
  {
    std::lock_guard lock(mutex);
    // Two probes a second on c0 for over 2 s: more than its first two runs,
    // and not a busy loop.
    CHECK(runs["p1-c0"] >= 3);
    CHECK(runs["p1-c0"] <= 12);
  }

  manager.remove_pod("p1");
  CHECK(manager.worker_count() == 0);
  CHECK_FALSE(manager.succeeded(pod::ProbeKind::Readiness, "p1-c0"));  // results went with the workers
  int after_removal = 0;
  {
    std::lock_guard lock(mutex);
    for (const auto& [id, n] : runs) after_removal += n;
  }
  std::this_thread::sleep_for(1500ms);
  std::lock_guard lock(mutex);
  int later = 0;
  for (const auto& [id, n] : runs) later += n;
  CHECK(later <= after_removal + 6);  // at most the ticks already handed out
}

TEST_CASE("an edited pod keeps unchanged probes and replaces the rest") {
  pod::Pod pod = pod_with(2, "p2");
  ProbeWorkerContext context;
  context.pod_status = [](const std::string&) { return std::optional<status::PodStatus>{}; };
  context.run = [](const pod::Probe&, const std::string&, const std::string&) { return ProbeOutcome{}; };
  context.now_s = [] { return int64_t{0}; };
  ProberManager manager(context, {});
  manager.add_pod(pod);
  CHECK(manager.worker_count() == 4);
  pod.spec.containers[1].liveness_probe.reset();
  pod.spec.containers[0].readiness_probe->period_seconds = 5;
  manager.add_pod(pod);
  CHECK(manager.worker_count() == 3);
  manager.stop();
  CHECK(manager.worker_count() == 0);
}
