// Pod cgroups and admission on the real node-agent, cri-shim and dockerd
// (cgroup v1 with the cgroupfs driver here): Guaranteed, Burstable and
// BestEffort pods in kubelet's cgroups with kubelet's limits, every
// container of a pod inside its pod's cgroup, the QoS cgroups' shares,
// pods too big for the node's allocatable rejected (OutOfcpu, OutOfmemory)
// without a sandbox, and a pod's cgroup removed with it.
//
// One Node for every check (the suite's time budget): a private
// --cgroup-root, so that no other agent on this machine shares (or sweeps)
// its kubepods, and a --kube-reserved that leaves exactly 1 cpu allocatable.
#include <unistd.h>

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "tests/agent/e2e/e2e_fixture.h"

namespace e2e {
namespace {

namespace fs = std::filesystem;

constexpr int64_t Mi = 1024 * 1024;

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  std::string s = text.str();
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

// The cgroup of `pid` in the v1 hierarchy of `controller`.
std::string cgroup_of(int pid, const std::string& controller) {
  std::istringstream lines(slurp("/proc/" + std::to_string(pid) + "/cgroup"));
  for (std::string line; std::getline(lines, line);) {
    const auto first = line.find(':');
    const auto second = line.find(':', first + 1);
    std::istringstream names(line.substr(first + 1, second - first - 1));
    for (std::string name; std::getline(names, name, ',');)
      if (name == controller) return line.substr(second + 1);
  }
  return "";
}

// The host pid of a container, from CRI ContainerStatus's verbose info.
int pid_of(Node& node, const std::string& container_id) {
  cri::ContainerStatusRequest request;
  request.set_container_id(container_id);
  request.set_verbose(true);
  cri::ContainerStatusResponse response;
  const auto status = node.shim().runtime()->ContainerStatus(itest::context(30s).get(), request, &response);
  REQUIRE_MESSAGE(status.ok(), status.error_message());
  const auto info = json::parse(response.info().at("info"));
  return info.at("pid").get<int>();
}

json with_requests_and_limits(json container, const json& requests, const json& limits = json::object()) {
  json resources = json::object();
  if (!requests.empty()) resources["requests"] = requests;
  if (!limits.empty()) resources["limits"] = limits;
  container["resources"] = resources;
  return container;
}

bool wait_until(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(200ms);
  }
  return done();
}

TEST_CASE("pod cgroups: QoS classes in kubelet's cgroups with its limits; pods beyond allocatable rejected; cgroups removed with their pods") {
  if (!fs::exists("/sys/fs/cgroup/cpu/cgroup.procs")) {
    MESSAGE("not cgroup v1 with a cpu hierarchy: skipped");
    return;
  }
  const long cpus = std::max(1L, ::sysconf(_SC_NPROCESSORS_ONLN));
  const std::string root = "/node-agent-e2e-cgroups-" + std::to_string(::getpid());
  const std::string kubepods = root + "/kubepods";
  const auto cpu_dir = [](const std::string& cgroup) { return "/sys/fs/cgroup/cpu" + cgroup; };
  const auto memory_dir = [](const std::string& cgroup) { return "/sys/fs/cgroup/memory" + cgroup; };
  {
    Node node({"--cgroup-root", root, "--kube-reserved", "cpu=" + std::to_string(cpus * 1000 - 1000) + "m",
               "--pod-max-pids", "200"});
    const char* const kSleep = "trap 'exit 0' TERM; sleep 3600 & wait";
    node.write_manifest(
        "guaranteed.json",
        pod_manifest(node.ns(), "guaranteed",
                     json::array({with_requests_and_limits(shell_container("app", kSleep), {{"cpu", "100m"}, {"memory", "64Mi"}},
                                                 {{"cpu", "100m"}, {"memory", "64Mi"}})})));
    node.write_manifest(
        "burstable.json",
        pod_manifest(node.ns(), "burstable",
                     json::array({with_requests_and_limits(shell_container("one", kSleep), {{"cpu", "200m"}, {"memory", "32Mi"}},
                                                 {{"cpu", "400m"}, {"memory", "64Mi"}}),
                                  with_requests_and_limits(shell_container("two", kSleep), {{"cpu", "100m"}, {"memory", "16Mi"}},
                                                 {{"cpu", "200m"}, {"memory", "32Mi"}})})));
    node.write_manifest("besteffort.json",
                        pod_manifest(node.ns(), "besteffort", json::array({shell_container("app", kSleep)})));

    struct Expected {
      std::string name, parent;
      std::vector<std::string> containers;
    };
    std::map<std::string, std::string> uids;
    for (const auto& [name, qos_dir] : std::vector<std::pair<std::string, std::string>>{
             {"guaranteed", ""}, {"burstable", "/burstable"}, {"besteffort", "/besteffort"}}) {
      const json pod = node.wait_pod(node.static_name(name), running_and_ready, name + " running", 40s);
      CHECK(pick(pod, {"status", "qosClass"}) ==
            (name == "guaranteed" ? "Guaranteed" : name == "burstable" ? "Burstable" : "BestEffort"));
      uids[name] = uid(pod);
      const std::string pod_cgroup = kubepods + qos_dir + "/pod" + uid(pod);
      // Every container, not only the sandbox, in the pod's cgroup.
      for (const auto& status : pick(pod, {"status", "containerStatuses"})) {
        const int pid = pid_of(node, current_id(status));
        INFO(name << "/" << status.at("name") << " pid " << pid);
        CHECK(cgroup_of(pid, "cpu").starts_with(pod_cgroup + "/"));
        CHECK(cgroup_of(pid, "memory").starts_with(pod_cgroup + "/"));
        CHECK(cgroup_of(pid, "pids").starts_with(pod_cgroup + "/"));
      }
      CHECK(slurp("/sys/fs/cgroup/pids" + pod_cgroup + "/pids.max") == "200");
    }
    const std::string guaranteed = kubepods + "/pod" + uids["guaranteed"];
    CHECK(slurp(cpu_dir(guaranteed) + "/cpu.shares") == "102");
    CHECK(slurp(cpu_dir(guaranteed) + "/cpu.cfs_quota_us") == "10000");
    CHECK(slurp(cpu_dir(guaranteed) + "/cpu.cfs_period_us") == "100000");
    CHECK(slurp(memory_dir(guaranteed) + "/memory.limit_in_bytes") == std::to_string(64 * Mi));
    const std::string burstable = kubepods + "/burstable/pod" + uids["burstable"];
    CHECK(slurp(cpu_dir(burstable) + "/cpu.shares") == "307");  // 300m
    CHECK(slurp(cpu_dir(burstable) + "/cpu.cfs_quota_us") == "60000");
    CHECK(slurp(memory_dir(burstable) + "/memory.limit_in_bytes") == std::to_string(96 * Mi));
    const std::string besteffort = kubepods + "/besteffort/pod" + uids["besteffort"];
    CHECK(slurp(cpu_dir(besteffort) + "/cpu.shares") == "2");
    CHECK(slurp(cpu_dir(besteffort) + "/cpu.cfs_quota_us") == "-1");
    // The QoS cgroups, and kubepods with the allocatable cpu (1000m).
    CHECK(slurp(cpu_dir(kubepods + "/burstable") + "/cpu.shares") == "307");
    CHECK(slurp(cpu_dir(kubepods + "/besteffort") + "/cpu.shares") == "2");
    CHECK(slurp(cpu_dir(kubepods) + "/cpu.shares") == "1024");

    // 400m of the 1000m allocatable are requested: 700m does not fit, and
    // neither does more memory than the node has.
    node.write_manifest("too-much-cpu.json",
                        pod_manifest(node.ns(), "too-much-cpu",
                                     json::array({with_requests_and_limits(shell_container("app", kSleep), {{"cpu", "700m"}})})));
    node.write_manifest(
        "too-much-memory.json",
        pod_manifest(node.ns(), "too-much-memory",
                     json::array({with_requests_and_limits(shell_container("app", kSleep), {{"memory", "10000Gi"}})})));
    const auto failed = [](const json& pod) { return !pod.is_null() && phase(pod) == "Failed"; };
    const json cpu_pod = node.wait_pod(node.static_name("too-much-cpu"), failed, "too-much-cpu rejected", 20s);
    CHECK(pick(cpu_pod, {"status", "reason"}) == "OutOfcpu");
    CHECK(pick(cpu_pod, {"status", "message"}) ==
          "Pod Node didn't have enough resource: cpu, requested: 700, used: 400, capacity: 1000");
    const json memory_pod =
        node.wait_pod(node.static_name("too-much-memory"), failed, "too-much-memory rejected", 20s);
    CHECK(pick(memory_pod, {"status", "reason"}) == "OutOfmemory");
    CHECK(pick(memory_pod, {"status", "message"}).get<std::string>().starts_with(
        "Pod Node didn't have enough resource: memory, requested: 10737418240000, used: " +
        std::to_string(112 * Mi) + ", capacity: "));

    // The Burstable pod goes: its cgroup with it, and the burstable shares
    // fall back to the minimum.
    node.remove_manifest("burstable.json");
    node.wait_pod_gone(node.static_name("burstable"), 30s);
    CHECK_MESSAGE(wait_until([&] { return !fs::exists(cpu_dir(burstable)) && !fs::exists(memory_dir(burstable)); }, 10s),
                  "the Burstable pod's cgroup is still there\n" << node.agent_log_tail());
    CHECK(slurp(cpu_dir(kubepods + "/burstable") + "/cpu.shares") == "2");

    // Still rejected, never started, and removable like any pod.
    const json still = node.wait_pod(node.static_name("too-much-cpu"), failed, "too-much-cpu still rejected", 5s);
    CHECK(pick(still, {"status", "reason"}) == "OutOfcpu");
    CHECK(node.sandboxes_of(uid(cpu_pod)).empty());
    CHECK(node.sandboxes_of(uid(memory_pod)).empty());
    CHECK(docker_containers_of(uid(cpu_pod)) == 0);
    node.remove_manifest("too-much-cpu.json");
    node.wait_pod_gone(node.static_name("too-much-cpu"), 20s);
  }
  itest::remove_test_cgroups(root);
}

}  // namespace
}  // namespace e2e
