// Local storage on the real node-agent, cri-shim and dockerd: disk pressure
// on a small node filesystem evicts the pod that filled it (Failed,
// Evicted, kubelet's message) and not the pod that uses no disk, refuses
// new pods while it lasts, and ends once the evicted pod's emptyDir is
// removed; an emptyDir over its sizeLimit is evicted with kubelet's
// message; a pod asking more ephemeral-storage than the node has is
// refused (OutOfephemeral-storage) and never gets a sandbox.
//
// The node filesystem is a 64Mi tmpfs mounted as the agent's --root-dir
// (pods' emptyDirs and logs live there), so the host's disk is never
// filled; it is unmounted however the test ends.
#include <doctest/doctest.h>

#include <filesystem>
#include <string>
#include <thread>

#include "tests/agent/e2e/e2e_fixture.h"
#include "tests/support/tmpfs_dir.h"

namespace e2e {
namespace {

namespace fs = std::filesystem;

// `container` with an emptyDir "data" mounted at /data (a sizeLimit when given).
json with_scratch(json pod, const std::string& container, const std::string& size_limit = "") {
  json empty_dir = json::object();
  if (!size_limit.empty()) empty_dir["sizeLimit"] = size_limit;
  pod["spec"]["volumes"] = json::array({{{"name", "data"}, {"emptyDir", empty_dir}}});
  for (auto& c : pod["spec"]["containers"])
    if (c["name"] == container) c["volumeMounts"] = json::array({{{"name", "data"}, {"mountPath", "/data"}}});
  return pod;
}

// The status of the Node's condition `type` ("True", "False", "" when absent).
std::string node_condition(Node& node, const std::string& type) {
  const json node_json = json::parse(node.http().get("/node").body, nullptr, false);
  if (!node_json.is_object()) return "";
  for (const auto& c : pick(node_json, {"status", "conditions"}))
    if (c.value("type", "") == type) return c.value("status", "");
  return "";
}

bool wait_node_condition(Node& node, const std::string& type, const std::string& status,
                         std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (node_condition(node, type) == status) return true;
    std::this_thread::sleep_for(200ms);
  }
  return node_condition(node, type) == status;
}

bool failed(const json& pod) { return !pod.is_null() && phase(pod) == "Failed"; }

TEST_CASE("disk pressure evicts the pod that filled the node's disk, refuses new pods, and ends once its emptyDir is gone") {
  const support::TmpfsDir root("node-agent-disk-e2e", "64m");
  // 40% of 64Mi is 25.6Mi: 40Mi written into an emptyDir crosses it.
  Node node({"--root-dir", root.path(),
             "--eviction-hard", "nodefs.available<40%,memory.available<100Mi",
             "--eviction-monitoring-period", "500ms",
             "--eviction-pressure-transition-period", "5s",
             "--node-status-update-frequency", "1s"});
  // The root dir is a filesystem apart from dockerd's: as in kubelet,
  // nodefs pressure then reclaims no dead containers nor images (they free
  // the image filesystem), so dockerd's shared images all stay.
  const auto images_before = image_ids(node.shim());
  const json guaranteed = {{"requests", {{"cpu", "100m"}, {"memory", "64Mi"}}},
                           {"limits", {{"cpu", "100m"}, {"memory", "64Mi"}}}};
  node.write_manifest("steady.json",
                      pod_manifest(node.ns(), "steady",
                                   json::array({with_resources(shell_container("app", "sleep 3600"), guaranteed)})));
  node.wait_pod(node.static_name("steady"), running_and_ready, "the Guaranteed pod running");
  CHECK(node_condition(node, "DiskPressure") == "False");

  node.write_manifest(
      "writer.json",
      with_scratch(pod_manifest(node.ns(), "writer",
                                json::array({shell_container(
                                    "writer", "dd if=/dev/zero of=/data/f bs=1M count=40 && sleep 3600")})),
                   "writer"));
  const json evicted = node.wait_pod(node.static_name("writer"), failed, "the writer evicted", 30s);
  CHECK(pick(evicted, {"status", "reason"}) == "Evicted");
  const std::string message = pick(evicted, {"status", "message"}).get<std::string>();
  CHECK_MESSAGE(message.starts_with("The node was low on resource: ephemeral-storage. Threshold quantity: "), message);
  CHECK_MESSAGE(message.find(", available: ") != std::string::npos, message);
  CHECK(condition(evicted, "DisruptionTarget") == "True");

  // While the pressure lasts (the transition period after the last
  // crossing) a new pod is refused for good and nothing of it runs.
  node.write_manifest("late.json",
                      pod_manifest(node.ns(), "late", json::array({shell_container("late", "sleep 3600")})));
  const json late = node.wait_pod(node.static_name("late"), failed, "the pod refused under DiskPressure", 10s);
  CHECK(pick(late, {"status", "reason"}) == "Evicted");
  CHECK(pick(late, {"status", "message"}) == "The node had condition: [DiskPressure]. ");
  CHECK(node.sandboxes_of(uid(late)).empty());
  CHECK(wait_node_condition(node, "DiskPressure", "True", 5s));

  // The evicted pod's volumes are removed once its containers are dead:
  // the 40Mi are back, and the pressure ends after the transition period.
  const std::string volume = root.path() + "/pods/" + uid(evicted) + "/volumes/kubernetes.io~empty-dir/data";
  for (int i = 0; i < 50 && fs::exists(volume); ++i) std::this_thread::sleep_for(100ms);
  CHECK_FALSE(fs::exists(volume));
  CHECK_MESSAGE(wait_node_condition(node, "DiskPressure", "False", 20s), node.agent_log_tail());

  const json writer = node.http().pod(node.ns(), node.static_name("writer")).value_or(json());
  CHECK(phase(writer) == "Failed");
  CHECK(restart_count(container_status(writer, "writer")) == 0);
  for (const auto& c : node.containers_of(uid(writer))) CHECK(c.state() != cri::CONTAINER_RUNNING);
  CHECK(running_and_ready(node.http().pod(node.ns(), node.static_name("steady")).value_or(json())));
  CHECK(image_ids(node.shim()) == images_before);
}

TEST_CASE("an emptyDir over its sizeLimit is evicted with kubelet's message, without node pressure") {
  Node node({"--eviction-monitoring-period", "500ms"});
  node.write_manifest(
      "filler.json",
      with_scratch(pod_manifest(node.ns(), "filler",
                                json::array({shell_container(
                                    "filler", "dd if=/dev/zero of=/data/f bs=1M count=8 && sleep 3600")})),
                   "filler", "4Mi"));
  const json evicted = node.wait_pod(node.static_name("filler"), failed, "the filler evicted", 30s);
  CHECK(pick(evicted, {"status", "reason"}) == "Evicted");
  CHECK(pick(evicted, {"status", "message"}) == "Usage of EmptyDir volume \"data\" exceeds the limit \"4Mi\". ");
  for (const auto& c : node.containers_of(uid(evicted))) CHECK(c.state() != cri::CONTAINER_RUNNING);
  CHECK(node_condition(node, "DiskPressure") != "True");
}

TEST_CASE("a pod asking more ephemeral-storage than the node has is refused with OutOfephemeral-storage and no sandbox") {
  Node node;
  const json greedy = {{"requests", {{"ephemeral-storage", "1Pi"}}}};
  node.write_manifest("greedy.json",
                      pod_manifest(node.ns(), "greedy",
                                   json::array({with_resources(shell_container("app", "sleep 3600"), greedy)})));
  const json refused = node.wait_pod(node.static_name("greedy"), failed, "the greedy pod refused", 20s);
  CHECK(pick(refused, {"status", "reason"}) == "OutOfephemeral-storage");
  const std::string message = pick(refused, {"status", "message"}).get<std::string>();
  CHECK_MESSAGE(message.starts_with("Pod Node didn't have enough resource: ephemeral-storage, requested: " +
                                    std::to_string(1LL << 50) + ", used: 0, capacity: "),
                message);
  std::this_thread::sleep_for(1s);  // a sync later, still nothing of it in the runtime
  CHECK(node.sandboxes_of(uid(refused)).empty());
  CHECK(node.containers_of(uid(refused)).empty());
}

}  // namespace
}  // namespace e2e
