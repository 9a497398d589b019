// Probes end to end: the real node-agent probing containers that cri-shim
// runs on dockerd, over CRI ExecSync, HTTP and TCP to the pod's IP, and
// gRPC to a health server this test runs on the host.
#include <doctest/doctest.h>

#include <signal.h>

#include <atomic>
#include <map>

#include <grpcpp/grpcpp.h>

#include "grpc/health/v1/health.grpc.pb.h"
#include "tests/agent/e2e/e2e_fixture.h"

namespace e2e {
namespace {

json probe(json handler, int period = 1, int failure_threshold = 1) {
  handler["periodSeconds"] = period;
  handler["failureThreshold"] = failure_threshold;
  return handler;
}

json exec_probe(const std::string& command) { return probe({{"exec", {{"command", {"sh", "-c", command}}}}}); }

bool ready(const json& pod, const std::string& container) {
  return pick(container_status(pod, container), {"ready"}) == true;
}

// A busybox httpd serving /www on 8080 (port name "http").
json web_container(const std::string& name, const std::string& then) {
  json c = shell_container(name, "mkdir -p /www && echo ok > /www/ready && httpd -p 8080 -h /www && " + then);
  c["ports"] = json::array({{{"name", "http"}, {"containerPort", 8080}}});
  return c;
}

}  // namespace

TEST_CASE("a liveness exec probe that starts failing restarts the container, again and again") {
  Node node;
  json app = shell_container("app", "touch /tmp/healthy; sleep 2; rm /tmp/healthy; exec sleep 3600");
  app["livenessProbe"] = exec_probe("cat /tmp/healthy");
  app["livenessProbe"]["terminationGracePeriodSeconds"] = 1;
  node.write_manifest("live.json", pod_manifest(node.ns(), "live", json::array({app})));

  const json restarted = node.wait_pod(
      node.static_name("live"), [](const json& pod) { return restart_count(container_status(pod, "app")) >= 2; },
      "two restarts for failed liveness probes", 90s);
  const json last = pick(container_status(restarted, "app"), {"lastState", "terminated"});
  CHECK(last["exitCode"] == 137);  // killed: sleep as PID 1 ignores SIGTERM, the probe's 1 s grace ran out
  CHECK(node.agent().log().find("Container app failed liveness probe, will be restarted") != std::string::npos);

  // The events kubelet would record, as GET /events serves them.
  const auto reply = node.http().get("/events?pod=" + node.ns() + "/" + node.static_name("live"));
  REQUIRE(reply.status == 200);
  const json list = json::parse(reply.body);
  CHECK(list["kind"] == "EventList");
  std::map<std::string, json> by_reason;
  for (const auto& e : list["items"]) {
    CHECK(e["involvedObject"]["name"] == node.static_name("live"));
    by_reason[e["reason"].get<std::string>()] = e;
  }
  for (const char* reason : {"Pulled", "Created", "Started", "Unhealthy", "Killing"})
    CHECK_MESSAGE(by_reason.count(reason) == 1, "no " << reason << " event in " << list.dump());
  CHECK(by_reason["Unhealthy"]["type"] == "Warning");
  CHECK(by_reason["Unhealthy"]["message"].get<std::string>().rfind("Liveness probe failed:", 0) == 0);
  CHECK(by_reason["Unhealthy"]["count"].get<int>() >= 2);
  CHECK(by_reason["Killing"]["message"] == "Container app failed liveness probe, will be restarted");
  CHECK(by_reason["Created"]["involvedObject"]["fieldPath"] == "spec.containers{app}");
  // Another pod's events are not this pod's.
  const json none = json::parse(node.http().get("/events?pod=" + node.ns() + "/nobody").body);
  CHECK(none["items"].empty());
}

TEST_CASE("an httpGet readiness probe moves Ready both ways, on a named port") {
  Node node;
  json web = web_container("web", "while true; do sleep 3; rm /www/ready; sleep 3; echo ok > /www/ready; done");
  web["readinessProbe"] = probe({{"httpGet", {{"path", "/ready"}, {"port", "http"}}}});
  node.write_manifest("web.json", pod_manifest(node.ns(), "web", json::array({web})));

  const std::string name = node.static_name("web");
  node.wait_pod(name, [](const json& pod) { return ready(pod, "web") && condition(pod, "Ready") == "True"; },
                "Ready after its first successful probe");
  const json unready = node.wait_pod(
      name, [](const json& pod) { return !ready(pod, "web") && condition(pod, "Ready") == "False"; },
      "not Ready once /ready answers 404", 30s);
  CHECK(pick(container_status(unready, "web"), {"state", "running"}).is_object());  // not ready, still running
  CHECK(restart_count(container_status(unready, "web")) == 0);
  node.wait_pod(name, [](const json& pod) { return ready(pod, "web") && condition(pod, "Ready") == "True"; },
                "Ready again", 30s);
}

TEST_CASE("a startup probe holds liveness back until it succeeds") {
  Node node;
  json app = shell_container("app", "sleep 4; touch /tmp/started; exec sleep 3600");
  app["startupProbe"] = probe({{"exec", {{"command", {"cat", "/tmp/started"}}}}}, 1, 30);
  // Would kill the container at its first run if it ran before the startup probe's success.
  app["livenessProbe"] = exec_probe("cat /tmp/started");
  node.write_manifest("slow.json", pod_manifest(node.ns(), "slow", json::array({app})));

  const std::string name = node.static_name("slow");
  const json starting = node.wait_pod(
      name, [](const json& pod) { return pick(container_status(pod, "app"), {"state", "running"}).is_object(); },
      "running");
  CHECK(pick(container_status(starting, "app"), {"started"}) == false);
  CHECK_FALSE(ready(starting, "app"));
  const json started = node.wait_pod(
      name, [](const json& pod) { return pick(container_status(pod, "app"), {"started"}) == true; }, "started", 30s);
  CHECK(ready(started, "app"));
  CHECK(restart_count(container_status(started, "app")) == 0);
}

TEST_CASE("tcpSocket probes: an open port is ready, a closed one is not") {
  Node node;
  json open = web_container("open", "exec sleep 3600");
  open["readinessProbe"] = probe({{"tcpSocket", {{"port", 8080}}}});
  json closed = shell_container("closed", "exec sleep 3600");
  closed["readinessProbe"] = probe({{"tcpSocket", {{"port", 9999}}}});
  node.write_manifest("tcp.json", pod_manifest(node.ns(), "tcp", json::array({open, closed})));

  const json pod = node.wait_pod(
      node.static_name("tcp"), [](const json& p) { return ready(p, "open"); }, "the open port ready");
  CHECK_FALSE(ready(pod, "closed"));
  CHECK(condition(pod, "Ready") == "False");
  CHECK(condition(pod, "ContainersReady") == "False");
}

namespace {

class SwitchableHealth final : public grpc::health::v1::Health::Service {
 public:
  std::atomic<bool> serving{true};
  grpc::Status Check(grpc::ServerContext*, const grpc::health::v1::HealthCheckRequest* request,
                     grpc::health::v1::HealthCheckResponse* response) override {
    if (request->service() != "app") return grpc::Status(grpc::StatusCode::NOT_FOUND, "unknown service");
    response->set_status(serving ? grpc::health::v1::HealthCheckResponse::SERVING
                                 : grpc::health::v1::HealthCheckResponse::NOT_SERVING);
    return grpc::Status::OK;
  }
};

}  // namespace

TEST_CASE("a grpc probe asks grpc.health.v1 on the pod's IP, with its service name") {
  // A host-network pod's IP is the node's: the health server runs here.
  SwitchableHealth health;
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort("0.0.0.0:0", grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(&health);
  auto server = builder.BuildAndStart();
  REQUIRE(server);

  Node node;
  json app = shell_container("app", "exec sleep 3600");
  app["readinessProbe"] = probe({{"grpc", {{"port", port}, {"service", "app"}}}});
  json manifest = pod_manifest(node.ns(), "grpc", json::array({app}));
  manifest["spec"]["hostNetwork"] = true;
  node.write_manifest("grpc.json", manifest);

  const std::string name = node.static_name("grpc");
  node.wait_pod(name, [](const json& pod) { return ready(pod, "app"); }, "ready while SERVING");
  health.serving = false;
  node.wait_pod(name, [](const json& pod) { return !ready(pod, "app"); }, "not ready once NOT_SERVING", 30s);
  server->Shutdown();
}

}  // namespace e2e

namespace e2e {

TEST_CASE("after a restart of the agent, probes start over: not ready until a success, nothing killed") {
  Node node;
  json web = web_container("web", "exec sleep 3600");
  web["readinessProbe"] = probe({{"httpGet", {{"path", "/ready"}, {"port", 8080}}}}, 2);
  web["livenessProbe"] = probe({{"tcpSocket", {{"port", "http"}}}});
  node.write_manifest("web.json", pod_manifest(node.ns(), "web", json::array({web})));
  const std::string name = node.static_name("web");
  const json before = node.wait_pod(name, [](const json& pod) { return ready(pod, "web"); }, "ready");
  const std::string id = current_id(container_status(before, "web"));

  node.agent().stop(SIGKILL);
  node.agent().restart();
  // Its first answer for the pod: adopted, running, but its readiness not
  // yet probed by this agent.
  const json adopted = node.wait_pod(name, [](const json& pod) { return !pod.is_null(); }, "known again");
  CHECK(current_id(container_status(adopted, "web")) == id);
  const json again = node.wait_pod(name, [](const json& pod) { return ready(pod, "web"); }, "ready again", 30s);
  CHECK(current_id(container_status(again, "web")) == id);
  CHECK(restart_count(container_status(again, "web")) == 0);
}

}  // namespace e2e
