// The Node object: every field named and typed as k8s.io/api/core/v1 Node,
// quantities as Kubernetes writes them, images as kubelet lists them.
#include <doctest/doctest.h>

#include <regex>

#include "agent/node/node_status.h"
#include "tests/agent/support/json_schema.h"

namespace agent::node {

namespace {

constexpr int64_t kNow = 1764979200LL * 1000000000LL;  // 2025-12-06T00:00:00Z

cri::Image image(const std::string& id, uint64_t size, std::vector<std::string> tags,
                 std::vector<std::string> digests = {}) {
  cri::Image i;
  i.set_id(id);
  i.set_size(size);
  for (auto& t : tags) i.add_repo_tags(t);
  for (auto& d : digests) i.add_repo_digests(d);
  return i;
}

NodeStatusInputs fixture() {
  NodeStatusInputs in;
  in.node_name = "node-1";
  in.hostname = "node-1";
  in.host_ip = "10.0.0.5";
  in.kubelet_port = 10255;
  in.creation_ns = kNow - 60000000000LL;
  in.capacity = {{"cpu", 2000},
                 {"memory", 24516072LL * 1024},
                 {"ephemeral-storage", 61255492LL * 1024},
                 {"pods", 110},
                 {"hugepages-1Gi", 0},
                 {"hugepages-2Mi", 0},
                 {"pid", 4194304}};
  in.allocatable = {{"cpu", 1900},
                    {"memory", 24516072LL * 1024 - 100 * 1024 * 1024},
                    {"ephemeral-storage", 55129942990LL},
                    {"pods", 110},
                    {"hugepages-1Gi", 0},
                    {"hugepages-2Mi", 0}};
  in.conditions = update_conditions({}, NodePressure{}, "", kNow);
  in.info.machine_id = "m";
  in.info.system_uuid = "u";
  in.info.boot_id = "b";
  in.info.kernel_version = "6.1.0";
  in.info.os_image = "Debian GNU/Linux 12 (bookworm)";
  in.info.container_runtime_version = "cri-shim://0.1.0";
  in.info.kubelet_version = "v0.1.0";
  in.info.kube_proxy_version = "v0.1.0";
  in.info.architecture = "amd64";
  *in.images.add_images() = image("small", 10, {"busybox:latest"});
  *in.images.add_images() =
      image("big", 1000, {"a:1", "a:2", "a:3", "a:4"}, {"a@sha256:1", "a@sha256:2"});
  return in;
}

}  // namespace

TEST_CASE("node: every field is a field of v1 Node with its JSON type") {
  const auto node = build_node(fixture());
  const auto errors = agent::testing::schema_errors(node, agent::testing::node_schema());
  for (const auto& e : errors) MESSAGE(e);
  CHECK(errors.empty());
  CHECK(node["kind"] == "Node");
  CHECK(node["apiVersion"] == "v1");
}

TEST_CASE("node: metadata and labels as kubelet sets them") {
  const auto node = build_node(fixture());
  CHECK(node["metadata"]["name"] == "node-1");
  CHECK(node["metadata"]["creationTimestamp"] == "2025-12-05T23:59:00Z");
  const auto& labels = node["metadata"]["labels"];
  CHECK(labels["kubernetes.io/hostname"] == "node-1");
  CHECK(labels["kubernetes.io/os"] == "linux");
  CHECK(labels["kubernetes.io/arch"] == "amd64");
  CHECK(labels["beta.kubernetes.io/os"] == "linux");
}

TEST_CASE("node: capacity and allocatable are Kubernetes quantities; pid stays internal") {
  const auto status = build_node(fixture())["status"];
  CHECK(status["capacity"] == nlohmann::json{{"cpu", "2"},
                                             {"memory", "24516072Ki"},
                                             {"ephemeral-storage", "61255492Ki"},
                                             {"pods", "110"},
                                             {"hugepages-1Gi", "0"},
                                             {"hugepages-2Mi", "0"}});
  CHECK(status["allocatable"]["cpu"] == "1900m");
  CHECK(status["allocatable"]["memory"] == "24413672Ki");
  CHECK(status["allocatable"]["ephemeral-storage"] == "55129942990");
  const std::regex quantity("^[0-9]+(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$");
  for (const char* key : {"capacity", "allocatable"})
    for (const auto& item : status[key].items()) CHECK(std::regex_match(item.value().get<std::string>(), quantity));
}

TEST_CASE("node: conditions, addresses, endpoints and nodeInfo") {
  const auto status = build_node(fixture())["status"];
  REQUIRE(status["conditions"].size() == 4);
  const auto& ready = status["conditions"][3];
  CHECK(ready["type"] == "Ready");
  CHECK(ready["status"] == "True");
  CHECK(ready["reason"] == "KubeletReady");
  CHECK(ready["lastHeartbeatTime"] == "2025-12-06T00:00:00Z");
  CHECK(ready["lastTransitionTime"] == "2025-12-06T00:00:00Z");
  CHECK(status["addresses"] == nlohmann::json::array({{{"type", "InternalIP"}, {"address", "10.0.0.5"}},
                                                      {{"type", "Hostname"}, {"address", "node-1"}}}));
  CHECK(status["daemonEndpoints"]["kubeletEndpoint"]["Port"] == 10255);
  CHECK(status["nodeInfo"]["containerRuntimeVersion"] == "cri-shim://0.1.0");
  CHECK(status["nodeInfo"]["osImage"] == "Debian GNU/Linux 12 (bookworm)");
  CHECK(status["nodeInfo"]["operatingSystem"] == "linux");
}

TEST_CASE("node: images biggest first, digests then tags, at most 5 names and 50 images") {
  auto in = fixture();
  auto images = build_node(in)["status"]["images"];
  REQUIRE(images.size() == 2);
  CHECK(images[0]["sizeBytes"] == 1000);
  CHECK(images[0]["names"] == nlohmann::json{"a@sha256:1", "a@sha256:2", "a:1", "a:2", "a:3"});
  CHECK(images[1]["names"] == nlohmann::json{"busybox:latest"});
  for (int i = 0; i < 60; ++i) *in.images.add_images() = image("x" + std::to_string(i), 5 + i, {"x"});
  images = build_node(in)["status"]["images"];
  CHECK(images.size() == kMaxImagesInNodeStatus);
  CHECK(images[0]["sizeBytes"] == 1000);
  CHECK(images[kMaxImagesInNodeStatus - 1]["sizeBytes"] == 64 - 48);  // 1000, then 64 down
}

TEST_CASE("node: without_heartbeats ignores only the heartbeat times") {
  auto in = fixture();
  const auto a = build_node(in);
  in.conditions = update_conditions(in.conditions, NodePressure{}, "", kNow + 10000000000LL);
  const auto b = build_node(in);
  CHECK(a != b);
  CHECK(without_heartbeats(a) == without_heartbeats(b));
  in.conditions = update_conditions(in.conditions, NodePressure{}, "container runtime is down", kNow + 20000000000LL);
  CHECK(without_heartbeats(build_node(in)) != without_heartbeats(a));
}

TEST_CASE("node info: os-release's PRETTY_NAME") {
  CHECK(parse_os_release_pretty_name("NAME=\"Debian\"\nPRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n") ==
        "Debian GNU/Linux 12 (bookworm)");
  CHECK(parse_os_release_pretty_name("PRETTY_NAME=Alpine\n") == "Alpine");
  CHECK(parse_os_release_pretty_name("NAME=x\n") == "Linux");
}

}  // namespace agent::node
