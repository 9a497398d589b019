// kill -9 of node-agent and a restart on the same root dir: the running pods
// are adopted from the runtime's labels, nothing is restarted or recreated,
// and restart counts go on from where they were.
#include <doctest/doctest.h>

#include <signal.h>
#include <sys/wait.h>

#include <map>
#include <set>
#include <thread>

#include "tests/agent/e2e/e2e_fixture.h"
#include "tests/support/wait_for.h"

namespace e2e {
namespace {

std::set<std::string> ids_of(const std::vector<cri::Container>& containers) {
  std::set<std::string> ids;
  for (const auto& c : containers) ids.insert(c.id());
  return ids;
}

std::set<std::string> ids_of(const std::vector<cri::PodSandbox>& sandboxes) {
  std::set<std::string> ids;
  for (const auto& s : sandboxes) ids.insert(s.id());
  return ids;
}

TEST_CASE("kill -9 of the agent and a restart adopt the running pods and restart nothing") {
  Node node;
  node.write_manifest("steady.json",
                      pod_manifest(node.ns(), "steady", json::array({shell_container("app", "exec sleep 3600")})));
  node.write_manifest("crashy.json",
                      pod_manifest(node.ns(), "crashy", json::array({shell_container("app", "sleep 1; exit 1")})));
  const json steady = node.wait_pod(node.static_name("steady"), running_and_ready, "Running");
  const json crashy = node.wait_pod(
      node.static_name("crashy"), [](const json& pod) { return restart_count(container_status(pod, "app")) >= 2; },
      "two restarts");
  const std::string steady_uid = uid(steady), crashy_uid = uid(crashy);
  const std::string steady_id = current_id(container_status(steady, "app"));
  const int crashy_restarts = restart_count(container_status(crashy, "app"));
  const auto steady_containers = ids_of(node.containers_of(steady_uid));
  const auto steady_sandboxes = ids_of(node.sandboxes_of(steady_uid));
  const auto crashy_sandboxes = ids_of(node.sandboxes_of(crashy_uid));

  const int status = node.agent().stop(SIGKILL);
  REQUIRE(WIFSIGNALED(status));
  node.agent().restart();

  // Adopted: the same pod (uid), Running in the same container.
  const json adopted = node.wait_pod(
      node.static_name("steady"),
      [&](const json& pod) { return running_and_ready(pod) && current_id(container_status(pod, "app")) == steady_id; },
      "Running in its old container after the restart");
  CHECK(uid(adopted) == steady_uid);
  CHECK(pick(container_status(adopted, "app"), {"restartCount"}) == 0);

  // For a few relists and resyncs, nothing of the steady pod changes in the
  // runtime, and the crash-looping pod keeps counting from where it was.
  int crashy_after = -1;
  const bool changed = support::wait_for(
      [&] {
        const auto now = node.http().pod(node.ns(), node.static_name("crashy"));
        if (now) crashy_after = restart_count(container_status(*now, "app"));
        return ids_of(node.containers_of(steady_uid)) != steady_containers ||
               ids_of(node.sandboxes_of(steady_uid)) != steady_sandboxes ||
               (crashy_after >= 0 && crashy_after < crashy_restarts);
      },
      4s, 200ms);
  // (Counted before the check: a doctest assertion inside a message would
  // deadlock its reporter.)
  const std::size_t steady_now_count = node.containers_of(steady_uid).size();
  CHECK_FALSE_MESSAGE(changed, "after the restart: steady pod containers " << steady_now_count << " (were "
                                   << steady_containers.size() << "), crashy restartCount " << crashy_after
                                   << " (was " << crashy_restarts << ")\n" << node.agent_log_tail());
  CHECK(crashy_after >= crashy_restarts);
  CHECK(ids_of(node.sandboxes_of(crashy_uid)) == crashy_sandboxes);
  const json steady_now = node.wait_pod(node.static_name("steady"), running_and_ready, "still Running");
  CHECK(current_id(container_status(steady_now, "app")) == steady_id);
  CHECK(pick(container_status(steady_now, "app"), {"restartCount"}) == 0);
}

TEST_CASE("a restarted agent does not cut a crash-looping container's back-off short") {
  Node node;  // backoff 1 s doubling to 4 s: the fourth restart waits 4 s
  node.write_manifest("loop.json",
                      pod_manifest(node.ns(), "loop", json::array({shell_container("app", "exit 1")}), "Always"));
  // Restart 3 has run and ended: the agent now holds a 4 s back-off. Only
  // CrashLoopBackOff says that lastState is the run restartCount names: a
  // container created but not yet started also shows as waiting, with the
  // run before it as lastState.
  json before = node.wait_pod(
      node.static_name("loop"),
      [](const json& pod) {
        const json status = container_status(pod, "app");
        return restart_count(status) >= 3 && pick(status, {"state", "waiting", "reason"}) == "CrashLoopBackOff" &&
               pick(status, {"lastState", "terminated", "finishedAt"}).is_string();
      },
      "restartCount 3, waiting out its back-off", 60s);
  const int count = restart_count(container_status(before, "app"));
  const long long finished =
      unix_seconds(pick(container_status(before, "app"), {"lastState", "terminated", "finishedAt"}).get<std::string>());

  // The agent dies and comes back within that wait.
  node.agent().stop(SIGKILL);
  node.agent().restart();
  // When the runtime created the next run: the status alone cannot say, as
  // a run created but not yet started shows the one before it as lastState.
  long long created_s = -1;
  const bool restarted = support::wait_for(
      [&] {
        for (const auto& c : node.containers_of(uid(before)))
          if (c.metadata().name() == "app" && static_cast<int>(c.metadata().attempt()) == count + 1)
            created_s = c.created_at() / 1'000'000'000;
        return created_s >= 0;
      },
      60s);
  REQUIRE_MESSAGE(restarted, "no restart " << count + 1 << " within 60 s\n" << node.agent_log_tail());
  const long long gap = created_s - finished;
  MESSAGE("restart " << count + 1 << " came " << gap << " s after restart " << count << " ended");
  // 4 s of back-off, read at one-second resolution.
  CHECK_MESSAGE(gap >= 3, "the restarted agent restarted the container at once\n" << node.agent_log_tail());
}

// Issue 16, fault injection: kill -9 in the middle of a burst of 30 pods,
// and again right after an edit and a deletion. In the end every pod runs
// in exactly one sandbox and one container; a pod that was running when the
// agent died runs on in the same container; the deleted pod and the edited
// pod's old version leave nothing in the runtime.
TEST_CASE("kill -9 during a burst of 30 pods, an edit and a deletion: nothing restarted, nothing left") {
  constexpr int kPods = 30;
  Node node;
  const auto manifest = [&](int i, const std::string& command) {
    return pod_manifest(node.ns(), "burst" + std::to_string(i), json::array({shell_container("app", command)}));
  };
  for (int i = 0; i < kPods; ++i) node.write_manifest("burst" + std::to_string(i) + ".json", manifest(i, "exec sleep 3600"));
  std::this_thread::sleep_for(1500ms);  // the agent is busy making them
  REQUIRE(WIFSIGNALED(node.agent().stop(SIGKILL)));
  const std::size_t made_before_kill = node.containers_in_namespace().size();
  node.agent().restart();
  for (int i = 0; i < kPods; ++i) node.wait_pod(node.static_name("burst" + std::to_string(i)), running_and_ready, "Running");

  // An edit (a new static pod uid) and a deletion, the agent killed again
  // while it handles them.
  const std::string edited_old_uid = uid(*node.http().pod(node.ns(), node.static_name("burst0")));
  const std::string deleted_uid = uid(*node.http().pod(node.ns(), node.static_name("burst1")));
  struct Running {
    std::string name, container;
  };
  std::map<std::string, Running> running_before;  // by pod uid
  for (int i = 2; i < kPods; ++i) {
    const std::string name = node.static_name("burst" + std::to_string(i));
    const json pod = *node.http().pod(node.ns(), name);
    running_before[uid(pod)] = {name, current_id(container_status(pod, "app"))};
  }
  node.write_manifest("burst0.json", manifest(0, "exec sleep 3601"));
  node.remove_manifest("burst1.json");
  std::this_thread::sleep_for(700ms);
  REQUIRE(WIFSIGNALED(node.agent().stop(SIGKILL)));
  node.agent().restart();

  const json edited = node.wait_pod(
      node.static_name("burst0"), [&](const json& pod) { return running_and_ready(pod) && uid(pod) != edited_old_uid; },
      "Running in its edited version");
  node.wait_pod_gone(node.static_name("burst1"));
  // Every pod: one sandbox, one container, both running; nothing else.
  std::string why;
  const bool settled = support::wait_for(
      [&] {
        why.clear();
        std::map<std::string, int> sandboxes, containers;
        for (const auto& c : node.containers_in_namespace()) {
          if (c.state() != cri::CONTAINER_RUNNING) why += "container " + c.id() + " not running; ";
          ++containers[c.labels().at("io.kubernetes.pod.uid")];
        }
        for (const auto& [pod_uid, before] : running_before) {
          for (const auto& s : node.sandboxes_of(pod_uid)) {
            if (s.state() != cri::SANDBOX_READY) why += "sandbox " + s.id() + " not ready; ";
            ++sandboxes[pod_uid];
          }
          if (sandboxes[pod_uid] != 1 || containers[pod_uid] != 1) why += "pod " + pod_uid + " has extra; ";
        }
        if (docker_containers_of(deleted_uid) != 0) why += "the deleted pod's containers remain; ";
        if (docker_containers_of(edited_old_uid) != 0) why += "the edited pod's old containers remain; ";
        if (node.containers_in_namespace().size() != kPods - 1) why += "not 29 containers; ";
        return why.empty();
      },
      60s, 500ms);
  CHECK_MESSAGE(settled, why << "\n" << node.agent_log_tail());
  // The pods that were running when the agent died again run on, untouched.
  int same = 0;
  for (const auto& [pod_uid, before] : running_before) {
    const auto pod = node.http().pod(node.ns(), before.name);
    if (!pod) continue;
    same += current_id(container_status(*pod, "app")) == before.container &&
            pick(container_status(*pod, "app"), {"restartCount"}) == 0;
  }
  CHECK(same == kPods - 2);
  CHECK(uid(edited) != edited_old_uid);
  MESSAGE(made_before_kill << " containers made before the first kill; after two kills, " << same
                           << " running pods untouched, the edit and the deletion carried out");
}

TEST_CASE("SIGTERM stops an agent that is still waiting for its runtime") {
  // A runtime socket that nothing serves: the agent waits for it, retrying
  // every second (for up to an hour).
  support::AgentProcess agent(itest::required_env("NODE_AGENT_BINARY"), "unix:///nonexistent/cri-shim-test.sock",
                              {}, false);
  REQUIRE_MESSAGE(support::wait_for([&] { return agent.log().find("does not answer yet") != std::string::npos; },
                                    10s),
                  agent.log_tail());
  const int status = agent.stop(SIGTERM, 10s);
  REQUIRE_MESSAGE(status != -1, "node-agent ignored SIGTERM while waiting for its runtime\n" << agent.log_tail());
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  CHECK(agent.log().find("SIGTERM received while waiting for the runtime") != std::string::npos);
}

}  // namespace
}  // namespace e2e
