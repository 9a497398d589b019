// postStart and preStop hooks end to end: run by the real node-agent
// through CRI ExecSync and HTTP, on containers cri-shim runs on dockerd.
#include <doctest/doctest.h>

#include <atomic>

#include "tests/agent/e2e/e2e_fixture.h"
#include "tests/support/local_http_server.h"

namespace e2e {

TEST_CASE("a postStart hook runs in the container before the pod goes on") {
  Node node;
  json app = shell_container(
      "app", "while [ ! -f /tmp/hooked ]; do sleep 0.2; done; echo saw $(cat /tmp/hooked); exec sleep 3600");
  app["lifecycle"]["postStart"]["exec"]["command"] = {"sh", "-c", "echo post-start > /tmp/hooked"};
  node.write_manifest("hooked.json", pod_manifest(node.ns(), "hooked", json::array({app})));
  const json pod = node.wait_pod(
      node.static_name("hooked"), [](const json& p) { return condition(p, "Ready") == "True"; }, "Ready");
  node.wait_log(pod, "app", "saw post-start");
  CHECK(restart_count(container_status(pod, "app")) == 0);
}

TEST_CASE("a failing postStart hook kills the container, and the restart policy restarts it") {
  Node node;
  json app = shell_container("app", "exec sleep 3600");
  app["lifecycle"]["postStart"]["exec"]["command"] = {"sh", "-c", "echo no; exit 3"};
  node.write_manifest("failing.json", pod_manifest(node.ns(), "failing", json::array({app})));
  node.wait_pod(
      node.static_name("failing"), [](const json& p) { return restart_count(container_status(p, "app")) >= 1; },
      "restarted after its postStart hook failed");
  const std::string log = node.agent().log();
  CHECK(log.find("FailedPostStartHook") != std::string::npos);
  CHECK(log.find("exited with 3") != std::string::npos);
}

TEST_CASE("a preStop hook runs when the pod is deleted, before the container is stopped") {
  // The hook calls this server (host 127.0.0.1: the agent runs the GET).
  std::atomic<int> calls{0};
  support::LocalHttpServer server([&](httplib::Server& s) {
    s.Get("/prestop", [&](const httplib::Request&, httplib::Response& r) {
      ++calls;
      r.set_content("bye", "text/plain");
    });
  });
  const int port = server.port();

  Node node;
  json app = shell_container("app", "exec sleep 3600");
  app["lifecycle"]["preStop"]["httpGet"] = {{"host", "127.0.0.1"}, {"port", port}, {"path", "/prestop"}};
  node.write_manifest("stopping.json", pod_manifest(node.ns(), "stopping", json::array({app})));
  const json pod = node.wait_pod(
      node.static_name("stopping"), [](const json& p) { return condition(p, "Ready") == "True"; }, "Ready");
  CHECK(calls == 0);
  node.remove_manifest("stopping.json");
  node.wait_pod_gone(node.static_name("stopping"));
  CHECK(calls == 1);
  CHECK(node.containers_of(uid(pod)).empty());
}

}  // namespace e2e
