// Eviction and the OOM watcher on the real node-agent, cri-shim and dockerd:
// a BestEffort memory hog is evicted before a Guaranteed pod (Failed,
// Evicted, kubelet's message, never restarted) and a BestEffort pod arriving
// under MemoryPressure is refused; a container OOM-killed by its own limit
// is OOMKilled with a SystemOOM node event. Both terminal pods stay Failed
// across a kill -9 of the agent (<root-dir>/terminal-pods.json).
//
// The host is never at risk: --kube-reserved keeps all but 400Mi of the
// node's memory, so node allocatable is 300Mi (400Mi less the 100Mi hard
// threshold) and allocatableMemory.available crosses 100Mi once the pods'
// cgroup holds 200Mi. The pods live under a --cgroup-root of the test's own,
// so no other agent's pods count.
#include <doctest/doctest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <thread>

#include "tests/agent/e2e/e2e_fixture.h"
#include "tests/agent/support/temp_dir.h"
#include "tests/support/wait_for.h"

namespace e2e {
namespace {

namespace fs = std::filesystem;

std::string events_json(Node& node, const std::string& query = "") {
  return node.http().get("/events" + query).body;
}

// The events of `kind` with `reason` in the agent's /events.
std::vector<json> events_with(Node& node, const std::string& kind, const std::string& reason) {
  std::vector<json> out;
  const json list = json::parse(events_json(node), nullptr, false);
  if (!list.is_object()) return out;
  for (const auto& e : list["items"])
    if (pick(e, {"involvedObject", "kind"}) == kind && e.value("reason", "") == reason) out.push_back(e);
  return out;
}

// An agent whose node allocatable memory is 400Mi (the rest kube-reserved),
// so that a 260Mi hog crosses the 100Mi hard threshold of the pods' cgroup
// without putting the host at risk; quick monitoring, a transition period
// long enough to see the pressure, and its pods under `cgroup_root`.
std::vector<std::string> memory_pressure_flags(long long capacity, const std::string& cgroup_root) {
  return {"--kube-reserved", "memory=" + std::to_string(capacity - 400LL * 1024 * 1024),
          "--eviction-hard", "memory.available<100Mi",
          "--eviction-monitoring-period", "500ms",
          "--eviction-pressure-transition-period", "30s",
          "--node-status-update-frequency", "1s",
          "--cgroup-root", cgroup_root};
}

// Starts the BestEffort "hog" pod and waits until it is evicted (Failed):
// dd reads 260Mi from /dev/zero into one buffer (every page touched), then
// blocks writing to a pipe nobody reads, so the memory stays held.
json run_hog_until_evicted(Node& node) {
  node.write_manifest("hog.json",
                      pod_manifest(node.ns(), "hog",
                                   json::array({shell_container("hog", "dd if=/dev/zero bs=260M count=1 | sleep 3600")})));
  return node.wait_pod(
      node.static_name("hog"), [](const json& pod) { return !pod.is_null() && phase(pod) == "Failed"; },
      "the hog evicted", 30s);
}

TEST_CASE("memory pressure evicts the BestEffort hog and not the Guaranteed pod; the hog stays Failed and new BestEffort pods are refused") {
  const long long capacity = mem_total_bytes();
  REQUIRE(capacity > 1024LL * 1024 * 1024);
  const std::string cgroup_root = "/node-agent-eviction-e2e-" + std::to_string(::getpid());
  {
    Node node(memory_pressure_flags(capacity, cgroup_root));
    const json guaranteed_resources = {{"requests", {{"cpu", "100m"}, {"memory", "64Mi"}}},
                                       {"limits", {{"cpu", "100m"}, {"memory", "64Mi"}}}};
    node.write_manifest("steady.json",
                        pod_manifest(node.ns(), "steady",
                                     json::array({with_resources(shell_container("app", "sleep 3600"),
                                                                 guaranteed_resources)})));
    node.wait_pod(node.static_name("steady"), running_and_ready, "the Guaranteed pod running");

    const json evicted = run_hog_until_evicted(node);
    CHECK(pick(evicted, {"status", "reason"}) == "Evicted");
    const std::string message = pick(evicted, {"status", "message"}).get<std::string>();
    CHECK_MESSAGE(message.starts_with("The node was low on resource: memory. Threshold quantity: 100Mi, available: "),
                  message);
    CHECK_MESSAGE(message.find("Container hog was using ") != std::string::npos, message);
    CHECK_MESSAGE(message.ends_with(", request is 0, has larger consumption of memory. "), message);
    CHECK(condition(evicted, "DisruptionTarget") == "True");

    // Evicted as kubelet records it: the pod's Evicted event, the node's EvictionThresholdMet.
    CHECK(events_json(node, "?pod=" + node.ns() + "/" + node.static_name("hog")).find("\"Evicted\"") !=
          std::string::npos);
    CHECK_FALSE(events_with(node, "Node", "EvictionThresholdMet").empty());

    // A BestEffort pod arriving under MemoryPressure is refused for good.
    node.write_manifest("late.json",
                        pod_manifest(node.ns(), "late", json::array({shell_container("late", "sleep 3600")})));
    const json late = node.wait_pod(
        node.static_name("late"), [](const json& pod) { return !pod.is_null() && phase(pod) == "Failed"; },
        "the BestEffort pod refused under MemoryPressure", 20s);
    CHECK(pick(late, {"status", "reason"}) == "Evicted");
    CHECK(pick(late, {"status", "message"}) == "The node had condition: [MemoryPressure]. ");
    CHECK(node.containers_of(uid(late)).empty());
    // The Node (refreshed every second here) reports the pressure.
    std::string memory_pressure;
    for (int i = 0; i < 20 && memory_pressure != "True"; ++i) {
      const auto node_json = json::parse(node.http().get("/node").body, nullptr, false);
      if (node_json.is_object())
        for (const auto& c : pick(node_json, {"status", "conditions"}))
          if (c.value("type", "") == "MemoryPressure") memory_pressure = c.value("status", "");
      if (memory_pressure != "True") std::this_thread::sleep_for(250ms);
    }
    CHECK(memory_pressure == "True");

    // Terminal: over several resyncs nothing of the hog runs again, while
    // the Guaranteed pod runs on.
    std::this_thread::sleep_for(3s);
    const json after = node.http().pod(node.ns(), node.static_name("hog")).value_or(json());
    CHECK(phase(after) == "Failed");
    CHECK(pick(after, {"status", "reason"}) == "Evicted");
    const json hog_status = container_status(after, "hog");
    CHECK(state_kind(hog_status.value("state", json::object())) == "terminated");
    CHECK(restart_count(hog_status) == 0);
    for (const auto& c : node.containers_of(uid(after))) CHECK(c.state() != cri::CONTAINER_RUNNING);
    CHECK(running_and_ready(node.http().pod(node.ns(), node.static_name("steady")).value_or(json())));
  }
  itest::remove_test_cgroups(cgroup_root);
}

TEST_CASE("an evicted pod and a refused one stay Failed across kill -9 of the agent and a restart; a removed one is forgotten") {
  const long long capacity = mem_total_bytes();
  REQUIRE(capacity > 1024LL * 1024 * 1024);
  const std::string cgroup_root = "/node-agent-eviction-restart-e2e-" + std::to_string(::getpid());
  {
    Node node(memory_pressure_flags(capacity, cgroup_root));
    // The hog of the test above, alone.
    const json evicted = run_hog_until_evicted(node);
    REQUIRE(pick(evicted, {"status", "reason"}) == "Evicted");
    const std::string hog_uid = uid(evicted);
    const json hog_message = pick(evicted, {"status", "message"});
    // Refused while the pressure lasts (the transition period holds it).
    node.write_manifest("late.json",
                        pod_manifest(node.ns(), "late", json::array({shell_container("late", "sleep 3600")})));
    const json late = node.wait_pod(
        node.static_name("late"), [](const json& pod) { return !pod.is_null() && phase(pod) == "Failed"; },
        "the BestEffort pod refused under MemoryPressure", 20s);
    REQUIRE(pick(late, {"status", "message"}) == "The node had condition: [MemoryPressure]. ");
    const std::string late_uid = uid(late);
    // The hog's kill is done: nothing of it runs.
    const auto nothing_runs = [&] {
      for (const auto& c : node.containers_of(hog_uid))
        if (c.state() == cri::CONTAINER_RUNNING) return false;
      return true;
    };
    REQUIRE_MESSAGE(support::wait_for(nothing_runs, 30s), node.agent_log_tail());
    std::set<std::string> hog_containers;
    for (const auto& c : node.containers_of(hog_uid)) hog_containers.insert(c.id());
    const std::size_t hog_sandboxes = node.sandboxes_of(hog_uid).size();
    const std::string kept = node.agent().root_dir() + "/terminal-pods.json";
    REQUIRE(agent::testing::read_file(kept).find(hog_uid) != std::string::npos);
    REQUIRE(agent::testing::read_file(kept).find(late_uid) != std::string::npos);

    // kill -9; the refused pod's manifest goes while the agent is down. The
    // hog's memory is free now: only the kept set stops it from running.
    const int killed = node.agent().stop(SIGKILL);
    REQUIRE(WIFSIGNALED(killed));
    node.remove_manifest("late.json");
    node.agent().restart();

    // Failed from its first appearance, with the same reason and message.
    const json first = node.wait_pod(
        node.static_name("hog"), [](const json& pod) { return !pod.is_null(); }, "the hog listed again", 20s);
    CHECK(uid(first) == hog_uid);
    CHECK(phase(first) == "Failed");
    CHECK(pick(first, {"status", "reason"}) == "Evicted");
    CHECK(pick(first, {"status", "message"}) == hog_message);
    // The refused pod's entry goes once the sources are read; the hog's stays.
    node.wait_pod_gone(node.static_name("late"), 20s);
    CHECK_MESSAGE(support::wait_for([&] { return agent::testing::read_file(kept).find(late_uid) == std::string::npos; },
                                    10s),
                  agent::testing::read_file(kept));
    CHECK(agent::testing::read_file(kept).find(hog_uid) != std::string::npos);

    // For several resyncs: still Failed, and no container or sandbox of it
    // made or started.
    std::string changed;
    support::wait_for(
        [&] {
          const json now = node.http().pod(node.ns(), node.static_name("hog")).value_or(json());
          if (phase(now) != "Failed" || pick(now, {"status", "reason"}) != "Evicted" ||
              pick(now, {"status", "message"}) != hog_message)
            changed = "status " + pick(now, {"status"}).dump();
          std::set<std::string> containers;
          for (const auto& c : node.containers_of(hog_uid)) {
            containers.insert(c.id());
            if (c.state() == cri::CONTAINER_RUNNING) changed = "container " + c.id() + " running";
          }
          if (containers != hog_containers) changed = "its containers changed";
          if (node.sandboxes_of(hog_uid).size() != hog_sandboxes) changed = "a new sandbox";
          return !changed.empty();
        },
        5s, 250ms);
    CHECK_MESSAGE(changed.empty(), changed << "\n" << node.agent_log_tail());
    CHECK(condition(node.http().pod(node.ns(), node.static_name("hog")).value_or(json()), "DisruptionTarget") ==
          "True");
  }
  itest::remove_test_cgroups(cgroup_root);
}

TEST_CASE("a container OOM-killed by its own limit is OOMKilled and a SystemOOM node event is recorded") {
  const std::string cgroup_root = "/node-agent-oom-e2e-" + std::to_string(::getpid());
  {
    Node node({"--cgroup-root", cgroup_root});
    // dd's 64Mi buffer cannot fit in the container's 32Mi: the kernel kills it.
    json dd = {{"name", "dd"},
               {"image", test_image()},
               {"imagePullPolicy", "Never"},
               {"command", {"dd", "if=/dev/zero", "of=/dev/null", "bs=64M", "count=1"}},
               {"resources", {{"limits", {{"memory", "32Mi"}}}}}};
    node.write_manifest("oom.json", pod_manifest(node.ns(), "oom", json::array({dd}), "Never"));
    const json pod = node.wait_pod(
        node.static_name("oom"),
        [](const json& p) {
          const json s = container_status(p, "dd");
          return !s.is_null() && state_kind(s.value("state", json::object())) == "terminated";
        },
        "the container OOM-killed", 30s);
    const json terminated = pick(container_status(pod, "dd"), {"state", "terminated"});
    CHECK(terminated.value("reason", "") == "OOMKilled");
    CHECK(terminated.value("exitCode", 0) == 137);
    CHECK(phase(pod) == "Failed");

    // The kernel's log reaches the watcher within a moment.
    bool seen = false;
    for (int i = 0; i < 40 && !seen; ++i) {
      for (const auto& e : events_with(node, "Node", "SystemOOM"))
        seen = seen || (e.value("message", "").starts_with("System OOM encountered, victim process: dd, pid: ") &&
                        pick(e, {"involvedObject", "name"}) == node.node_name());
      if (!seen) std::this_thread::sleep_for(250ms);
    }
    CHECK_MESSAGE(seen, "no SystemOOM event for dd: " << events_json(node) << "\n" << node.agent_log_tail());
  }
  itest::remove_test_cgroups(cgroup_root);
}

}  // namespace
}  // namespace e2e
