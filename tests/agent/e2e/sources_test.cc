// The pod sources other than a good manifest file: a bad manifest beside a
// good one, the agent's own API (POST /pods, DELETE /pods/{ns}/{name}), and
// --manifest-url polled from a local HTTP server.
#include <doctest/doctest.h>

#include <httplib.h>

#include <csignal>
#include <mutex>
#include <thread>

#include "tests/agent/e2e/e2e_fixture.h"
#include "tests/support/wait_for.h"

namespace e2e {
namespace {

TEST_CASE("a manifest with a field the agent cannot honour is rejected, visibly, and a good one beside it runs") {
  Node node;
  node.write_manifest("good.json",
                      pod_manifest(node.ns(), "good", json::array({shell_container("app", "exec sleep 3600")})));
  json bad = pod_manifest(node.ns(), "bad", json::array({shell_container("app", "exec sleep 3600")}));
  bad["spec"]["frobnicate"] = true;
  node.write_manifest("bad.json", bad);
  node.write_manifest("garbage.yaml", std::string("apiVersion: v1\nkind: Pod\nmetadata: [unclosed\n"));

  node.wait_pod(node.static_name("good"), running_and_ready, "Running");
  const json rejected = node.wait_pod(
      node.static_name("bad"), [](const json& pod) { return phase(pod) == "Failed"; }, "listed as a rejected manifest");
  const std::string message = pick(rejected, {"status", "message"}).is_string()
                                  ? pick(rejected, {"status", "message"}).get<std::string>()
                                  : "";
  CHECK(message.find("frobnicate") != std::string::npos);
  CHECK_FALSE(pick(rejected, {"status", "reason"}).is_null());
  // In the list as well, beside the good pod.
  const json items = node.http().pods();
  CHECK(support::find_pod(items, node.ns(), node.static_name("good")));
  CHECK(support::find_pod(items, node.ns(), node.static_name("bad")));
  // And in the agent's log, the unparsable file by name.
  const bool logged = support::wait_for(
      [&] {
        const std::string log = node.agent().log();
        return log.find("frobnicate") != std::string::npos && log.find("garbage.yaml") != std::string::npos;
      },
      10s);
  CHECK_MESSAGE(logged, "the agent's log names neither the bad field nor the bad file:\n" << node.agent_log_tail());
  // Nothing of the rejected pod reached the runtime.
  bool any = false;
  for (const auto& c : node.containers_in_namespace())
    any = any || (c.labels().count("io.kubernetes.pod.name") && c.labels().at("io.kubernetes.pod.name") == node.static_name("bad"));
  CHECK_FALSE(any);
}

TEST_CASE("POST /pods runs a pod and DELETE /pods/{ns}/{name} tears it down; bad input is refused") {
  Node node;
  const auto http = node.http();
  const std::string manifest = R"(apiVersion: v1
kind: Pod
metadata:
  name: posted
  namespace: )" + node.ns() + R"(
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: app
    image: )" + test_image() + R"(
    imagePullPolicy: Never
    command: ["sh", "-c", "echo posted; exec sleep 3600"]
)";
  const auto created = http.post("/pods", manifest);
  REQUIRE_MESSAGE(created.status == 201, created.status << " " << created.body << created.error);
  const json pod = node.wait_pod("posted", running_and_ready, "Running");
  node.wait_log(pod, "app", "posted");
  const std::string pod_uid = uid(pod);

  SUBCASE("a bad manifest is refused with the parser's message, and nothing of it is kept") {
    json bad = pod_manifest(node.ns(), "refused", json::array({shell_container("app", "exec sleep 3600")}));
    bad["spec"]["containers"][0]["frobnicate"] = 1;
    const auto refused = http.post("/pods", bad.dump(), "application/json");
    CHECK(refused.status == 400);
    CHECK(refused.body.find("frobnicate") != std::string::npos);
    CHECK_FALSE(http.pod(node.ns(), "refused"));
    CHECK(http.del("/pods/" + node.ns() + "/no-such-pod").status == 404);
  }

  const auto deleted = http.del("/pods/" + node.ns() + "/posted");
  CHECK_MESSAGE(deleted.status == 200, deleted.status << " " << deleted.body << deleted.error);
  node.wait_pod_gone("posted");
  const bool empty = support::wait_for(
      [&] { return node.containers_of(pod_uid).empty() && node.sandboxes_of(pod_uid).empty(); }, 60s);
  CHECK_MESSAGE(empty, "pod " << pod_uid << " is still in the runtime\n" << node.agent_log_tail());
}

// A tiny manifest server whose answer the test changes.
class ManifestServer {
 public:
  ManifestServer() {
    server_.Get("/pods.yaml", [this](const httplib::Request&, httplib::Response& response) {
      std::lock_guard lock(mutex_);
      response.status = status_;
      response.set_content(body_, "application/yaml");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    REQUIRE(port_ > 0);
    thread_ = std::thread([this] { server_.listen_after_bind(); });
  }
  ~ManifestServer() {
    server_.stop();
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/pods.yaml"; }
  void answer(int status, std::string body) {
    std::lock_guard lock(mutex_);
    status_ = status;
    body_ = std::move(body);
  }

 private:
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  std::mutex mutex_;
  int status_ = 200;
  std::string body_;
};

TEST_CASE("--manifest-url: its pods run, a failing fetch keeps them, an empty answer removes them") {
  ManifestServer server;
  Node node({"--manifest-url", server.url()});
  server.answer(200, pod_manifest(node.ns(), "from-url", json::array({shell_container("app", "exec sleep 3600")}))
                         .dump());
  const json pod = node.wait_pod(node.static_name("from-url"), running_and_ready, "Running");
  const std::string pod_uid = uid(pod);
  const std::string container = current_id(container_status(pod, "app"));

  // A few polls (every second) that fail: the last good set stays.
  server.answer(500, "broken");
  const bool disturbed = support::wait_for(
      [&] {
        const auto now = node.http().pod(node.ns(), node.static_name("from-url"));
        return !now || current_id(container_status(*now, "app")) != container;
      },
      3s, 200ms);
  CHECK_FALSE_MESSAGE(disturbed, "a failing fetch touched the pod\n" << node.agent_log_tail());

  // The agent restarts while the URL still fails: until the URL has answered
  // once, the pod is unknown, not an orphan, and must keep running.
  node.agent().stop(SIGKILL);
  node.agent().restart();
  const bool swept = support::wait_for(
      [&] {
        for (const auto& c : node.containers_of(pod_uid))
          if (c.id() == container && c.state() == cri::CONTAINER_RUNNING) return false;
        return true;
      },
      4s, 200ms);
  CHECK_FALSE_MESSAGE(swept, "a restarted agent removed the pod of a URL that was down\n" << node.agent_log_tail());

  server.answer(200, "");
  node.wait_pod_gone(node.static_name("from-url"));
  const bool empty = support::wait_for(
      [&] { return node.containers_of(pod_uid).empty() && node.sandboxes_of(pod_uid).empty(); }, 60s);
  CHECK_MESSAGE(empty, "pod " << pod_uid << " is still in the runtime\n" << node.agent_log_tail());
}

}  // namespace
}  // namespace e2e
