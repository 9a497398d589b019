// The stats summary and the node status on the real node-agent, cri-shim and
// dockerd: GET /stats/summary with a running pod (its containers' memory, an
// emptyDir's usage), GET /node (Ready, capacity, the runtime's version, the
// images), and the Node POSTed to --node-status-url. One Node for all of it
// (the suite is near its time budget).
#include <doctest/doctest.h>

#include <filesystem>
#include <mutex>
#include <thread>

#include "tests/agent/e2e/e2e_fixture.h"
#include "tests/agent/support/json_schema.h"
#include "tests/support/local_http_server.h"

namespace e2e {
namespace {

// Polls GET `path` until `done(body)`; returns the last body. Fails the
// test after `timeout` with `what`.
json wait_json(Node& node, const std::string& path, const std::function<bool(const json&)>& done,
               const std::string& what, std::chrono::milliseconds timeout = 30s) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  json last;
  while (std::chrono::steady_clock::now() < deadline) {
    const auto reply = node.http().get(path);
    if (reply.status == 200) {
      last = json::parse(reply.body);
      if (done(last)) return last;
    }
    std::this_thread::sleep_for(250ms);
  }
  FAIL_CHECK(what << ": last GET " << path << ": " << last.dump() << "\n" << node.agent_log_tail());
  return last;
}

const json* find_pod(const json& summary, const std::string& ns, const std::string& name) {
  for (const auto& p : summary["pods"])
    if (p["podRef"]["namespace"] == ns && p["podRef"]["name"] == name) return &p;
  return nullptr;
}

const json* find_named(const json& list, const std::string& name) {
  if (!list.is_array()) return nullptr;
  for (const auto& item : list)
    if (item.value("name", "") == name) return &item;
  return nullptr;
}

// The number at `path` under `value`, 0 where it is missing.
uint64_t number_at(const json& value, std::initializer_list<const char*> path) {
  const json v = pick(value, path);
  return v.is_number_unsigned() ? v.get<uint64_t>() : 0;
}

std::string condition_of(const json& node, const std::string& type, const char* field = "status") {
  for (const auto& c : node["status"]["conditions"])
    if (c["type"] == type) return c[field];
  return "";
}

}  // namespace

TEST_CASE("node_status_test: stats summary and node status of a running pod and the Node sent to --node-status-url") {
  std::mutex mutex;
  std::vector<json> posted;
  support::LocalHttpServer controller([&](httplib::Server& s) {
    s.Post("/nodes", [&](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard lock(mutex);
      posted.push_back(json::parse(req.body, nullptr, false));
      res.status = 200;
    });
  });
  auto posts = [&] {
    std::lock_guard lock(mutex);
    return posted;
  };

  Node node({"--node-status-update-frequency", "1s", "--node-status-report-frequency", "2s", "--node-status-url",
             "http://127.0.0.1:" + std::to_string(controller.port()) + "/nodes"});
  json app = shell_container("app", "dd if=/dev/zero of=/scratch/blob bs=1024 count=1024 2>/dev/null; exec sleep 3600");
  app["volumeMounts"] = json::array({{{"name", "scratch"}, {"mountPath", "/scratch"}}});
  json pod_json = pod_manifest(node.ns(), "stats", json::array({app, shell_container("idle", "exec sleep 3600")}));
  pod_json["spec"]["volumes"] = json::array({{{"name", "scratch"}, {"emptyDir", json::object()}}});
  node.write_manifest("stats.json", pod_json);
  const std::string name = node.static_name("stats");
  const json pod = node.wait_pod(name, running_and_ready, "Running");

  {  // GET /stats/summary
    const json summary = wait_json(
        node, "/stats/summary",
        [&](const json& s) {
          const json* p = find_pod(s, node.ns(), name);
          if (p == nullptr || p->value("containers", json::array()).size() != 2) return false;
          const json volumes = p->value("volume", json::array());
          const json* volume = find_named(volumes, "scratch");
          return volume != nullptr && volume->value("usedBytes", 0ULL) >= (1ULL << 20);
        },
        "the pod with both containers and 1 MiB in its emptyDir");
    const auto errors = agent::testing::schema_errors(summary, agent::testing::summary_schema());
    for (const auto& e : errors) MESSAGE(e);
    CHECK(errors.empty());
    CHECK(summary["node"]["nodeName"] == node.node_name());
    CHECK(number_at(summary, {"node", "memory", "workingSetBytes"}) > 0);
    CHECK(number_at(summary, {"node", "fs", "capacityBytes"}) > 0);
    CHECK(number_at(summary, {"node", "runtime", "imageFs", "usedBytes"}) > 0);
    CHECK(number_at(summary, {"node", "rlimit", "maxpid"}) > 0);
    const json& p = *find_pod(summary, node.ns(), name);
    CHECK(p["podRef"]["uid"] == uid(pod));
    for (const char* c : {"app", "idle"}) {
      const json* container = find_named(p["containers"], c);
      REQUIRE_MESSAGE(container != nullptr, c);
      CHECK_MESSAGE(number_at(*container, {"memory", "workingSetBytes"}) > 0, container->dump());
      CHECK_MESSAGE(number_at(*container, {"cpu", "usageCoreNanoSeconds"}) > 0, container->dump());
      CHECK_MESSAGE(!pick(*container, {"logs", "usedBytes"}).is_null(), container->dump());
    }
    CHECK_MESSAGE(number_at(p, {"memory", "workingSetBytes"}) > 0, p.dump());
    CHECK_MESSAGE(number_at(p, {"ephemeral-storage", "usedBytes"}) >= (1ULL << 20), p.dump());
    CHECK_MESSAGE(number_at(p, {"process_stats", "process_count"}) >= 2, p.dump());
  }

  {  // GET /node and --node-status-url
    const json n = wait_json(node, "/node", [](const json& j) { return j.contains("status"); }, "a Node");
    const auto errors = agent::testing::schema_errors(n, agent::testing::node_schema());
    for (const auto& e : errors) MESSAGE(e);
    CHECK(errors.empty());
    CHECK(n["metadata"]["name"] == node.node_name());
    CHECK(condition_of(n, "Ready") == "True");
    CHECK(condition_of(n, "Ready", "reason") == "KubeletReady");
    CHECK(condition_of(n, "MemoryPressure") == "False");
    for (const char* resource : {"cpu", "memory", "ephemeral-storage", "pods", "hugepages-2Mi", "hugepages-1Gi"}) {
      CHECK_MESSAGE(n["status"]["capacity"].contains(resource), resource);
      CHECK_MESSAGE(n["status"]["allocatable"].contains(resource), resource);
    }
    cri::VersionRequest version_request;
    cri::VersionResponse version;
    REQUIRE(node.shim().runtime()->Version(itest::context(10s).get(), version_request, &version).ok());
    CHECK(n["status"]["nodeInfo"]["containerRuntimeVersion"] ==
          version.runtime_name() + "://" + version.runtime_version());
    CHECK_FALSE(n["status"]["nodeInfo"]["bootID"].get<std::string>().empty());
    bool image_listed = false;
    for (const auto& image : n["status"]["images"])
      for (const auto& image_name : image["names"])
        if (image_name == test_image()) image_listed = true;
    CHECK_MESSAGE(image_listed, "the test image " << test_image() << " among " << n["status"]["images"].dump());
    CHECK(n["status"]["daemonEndpoints"]["kubeletEndpoint"]["Port"] == node.agent().port());

    // One POST at start, then at least one each report period (2 s).
    const auto deadline = std::chrono::steady_clock::now() + 8s;
    while (posts().size() < 2 && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(100ms);
    const auto received = posts();
    REQUIRE(received.size() >= 2);
    CHECK(received.back()["kind"] == "Node");
    CHECK(received.back()["metadata"]["name"] == node.node_name());
    CHECK(condition_of(received.back(), "Ready") == "True");
  }
}

TEST_CASE("node_status_test: a runtime network not ready makes the node NotReady and holds pods off the host network") {
  // cri-shim with CNI and no network config: NetworkReady false, with its reason.
  const std::string conf_dir = std::filesystem::temp_directory_path() / ("cni-empty-" + itest::unique_suffix());
  std::filesystem::create_directories(conf_dir);
  struct Cleanup {
    std::string dir;
    ~Cleanup() {
      std::error_code ec;
      std::filesystem::remove_all(dir, ec);
    }
  } cleanup{conf_dir};
  Node node({"--node-status-update-frequency", "1s"},
            {"--network-plugin", "cni", "--cni-bin-dir", conf_dir + "/bin", "--cni-conf-dir", conf_dir});

  const json n = wait_json(node, "/node", [](const json& j) { return j.contains("status"); }, "a Node");
  CHECK(condition_of(n, "Ready") == "False");
  CHECK(condition_of(n, "Ready", "reason") == "KubeletNotReady");
  const std::string message = condition_of(n, "Ready", "message");
  CHECK_MESSAGE(message.starts_with("container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady"),
                message);

  json on_host = pod_manifest(node.ns(), "on-host", json::array({shell_container("app", "exec sleep 3600")}));
  on_host["spec"]["hostNetwork"] = true;
  node.write_manifest("on-host.json", on_host);
  node.write_manifest("on-net.json",
                      pod_manifest(node.ns(), "on-net", json::array({shell_container("app", "exec sleep 3600")})));
  // The host-network pod starts as with kubelet; the other one waits.
  node.wait_pod(node.static_name("on-host"), running_and_ready, "Running on the host network");
  const json held = node.wait_pod(
      node.static_name("on-net"),
      [](const json& p) { return !p.is_null(); }, "listed");
  CHECK(phase(held) == "Pending");
  CHECK(node.sandboxes_of(uid(held)).empty());
  const std::string events = node.http().get("/events?pod=" + node.ns() + "/" + node.static_name("on-net")).body;
  CHECK_MESSAGE(events.find("NetworkNotReady") != std::string::npos, events);
  CHECK_MESSAGE(events.find("network is not ready: container runtime network not ready") != std::string::npos, events);
}

}  // namespace e2e
