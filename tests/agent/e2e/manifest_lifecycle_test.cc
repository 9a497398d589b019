// A manifest dropped into --manifest-dir runs; edited, its pod is recreated
// with the new spec; removed, its pod is torn down and nothing of it is left
// in the runtime.
#include <doctest/doctest.h>

#include "tests/agent/e2e/e2e_fixture.h"
#include "tests/support/wait_for.h"

namespace e2e {
namespace {

TEST_CASE("a YAML manifest dropped in runs: phase Running, containers ready, pod IP, logs under the root dir") {
  Node node;
  node.write_manifest("web.yaml", R"(apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: )" + node.ns() + R"(
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: main
    image: )" + test_image() + R"(
    imagePullPolicy: Never
    command: ["sh", "-c", "echo hello from main; exec sleep 3600"]
  - name: side
    image: )" + test_image() + R"(
    imagePullPolicy: IfNotPresent
    command: ["sh", "-c", "echo hello from side; exec sleep 3600"]
)");
  const json pod = node.wait_pod(node.static_name("web"), running_and_ready, "Running with both containers ready");
  CHECK(condition(pod, "Ready") == "True");
  CHECK(condition(pod, "ContainersReady") == "True");
  CHECK(condition(pod, "Initialized") == "True");
  CHECK(condition(pod, "PodScheduled") == "True");
  CHECK(uid(pod).size() == 32);  // derived from the file, as kubelet does for static pods
  for (const char* name : {"main", "side"}) {
    const json status = container_status(pod, name);
    CHECK(state_kind(pick(status, {"state"})) == "running");
    CHECK(pick(status, {"restartCount"}) == 0);
    CHECK_FALSE(current_id(status).empty());
    CHECK_FALSE(status.value("imageID", "").empty());
  }
  node.wait_log(pod, "main", "hello from main");
  node.wait_log(pod, "side", "hello from side");

  // What the agent reports is what the runtime holds.
  const auto sandboxes = node.sandboxes_of(uid(pod));
  REQUIRE(sandboxes.size() == 1);
  CHECK(sandboxes[0].state() == cri::SANDBOX_READY);
  CHECK(sandboxes[0].labels().at("io.node-agent.managed") == "true");
  const auto containers = node.containers_of(uid(pod));
  CHECK(containers.size() == 2);
  for (const auto& c : containers) {
    CHECK(c.state() == cri::CONTAINER_RUNNING);
    CHECK(c.pod_sandbox_id() == sandboxes[0].id());
  }
}

TEST_CASE("an edited manifest recreates its pod: a command change, then an image change") {
  Node node;
  json manifest = pod_manifest(node.ns(), "edited", json::array({shell_container("app", "echo first; exec sleep 3600")}));
  node.write_manifest("edited.json", manifest);
  const json first = node.wait_pod(node.static_name("edited"), running_and_ready, "Running");
  const std::string first_id = current_id(container_status(first, "app"));
  node.wait_log(first, "app", "first");

  SUBCASE("the command") {
    manifest["spec"]["containers"][0]["command"][2] = "echo second; exec sleep 3600";
    node.write_manifest("edited.json", manifest);
    // The edit is a new pod (a new UID) under the same name; as kubelet
    // does for static pods, it starts only once the old one is killed, so
    // the two never run at once (they would share host ports).
    bool overlapped = false;
    const json second = node.wait_pod(
        node.static_name("edited"),
        [&](const json& pod) {
          int running = 0;
          for (const auto& c : node.containers_in_namespace())
            running += c.state() == cri::CONTAINER_RUNNING && c.metadata().name() == "app";
          overlapped = overlapped || running > 1;
          return running_and_ready(pod) && current_id(container_status(pod, "app")) != first_id &&
                 !current_id(container_status(pod, "app")).empty();
        },
        "Running in a new container");
    CHECK_FALSE_MESSAGE(overlapped, "the old and the new pod ran at once\n" << node.agent_log_tail());
    node.wait_log(second, "app", "second");
    // The old container is gone from the runtime, whichever pod uid it had.
    bool old_gone = support::wait_for(
        [&] {
          for (const auto& c : node.containers_in_namespace())
            if (c.id() == first_id) return false;
          return true;
        },
        30s);
    CHECK_MESSAGE(old_gone, "container " << first_id << " is still in the runtime\n" << node.agent_log_tail());
  }
  SUBCASE("the image") {
    // Same rootfs under another name: a different image reference is a
    // different container spec.
    manifest["spec"]["containers"][0]["image"] = itest::required_env("CRI_SHIM_TEST_IMAGE_USER_UID");
    node.write_manifest("edited.json", manifest);
    // Same rootfs, another config (USER 1002): another image ID.
    const json first_image = pick(container_status(first, "app"), {"imageID"});
    REQUIRE(first_image.is_string());
    const json second = node.wait_pod(
        node.static_name("edited"),
        [&](const json& pod) {
          const json status = container_status(pod, "app");
          return running_and_ready(pod) && current_id(status) != first_id &&
                 pick(status, {"imageID"}).is_string() && pick(status, {"imageID"}) != first_image;
        },
        "Running the new image in a new container");
    node.wait_log(second, "app", "first");
  }
}

TEST_CASE("a removed manifest's pod is torn down and nothing of it is left in the runtime") {
  Node node;
  node.write_manifest("gone.json",
                      pod_manifest(node.ns(), "gone", json::array({shell_container("app", "exec sleep 3600")})));
  const json pod = node.wait_pod(node.static_name("gone"), running_and_ready, "Running");
  const std::string pod_uid = uid(pod);
  REQUIRE_FALSE(node.containers_of(pod_uid).empty());

  node.remove_manifest("gone.json");
  node.wait_pod_gone(node.static_name("gone"));
  const bool empty = support::wait_for(
      [&] { return node.containers_of(pod_uid).empty() && node.sandboxes_of(pod_uid).empty(); }, 60s);
  const std::size_t containers = node.containers_of(pod_uid).size(), sandboxes = node.sandboxes_of(pod_uid).size();
  CHECK_MESSAGE(empty, "the runtime still holds " << containers << " containers and " << sandboxes
                                                   << " sandboxes of " << pod_uid << "\n" << node.agent_log_tail());
  CHECK(docker_containers_of(pod_uid) == 0);
}

}  // namespace
}  // namespace e2e
