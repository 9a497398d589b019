// Probes in manifests: defaults and validation as the API server applies them.
#include "agent/pod/manifest_parser.h"

#include <doctest/doctest.h>

#include <fstream>
#include <iterator>

using namespace agent::pod;

namespace {

const PodSource kFile{PodSource::Kind::File, "/etc/pods/web.yaml", "node-a"};

// A pod whose one container "app" has ports http (8080) and admin (9090)
// and the given probe fields (YAML indented for a container's keys).
std::string with_container_fields(const std::string& fields) {
  return R"(
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
  - name: app
    image: busybox
    ports:
    - name: http
      containerPort: 8080
    - name: admin
      containerPort: 9090
)" + fields;
}

Container app(const std::string& fields) {
  auto docs = parse_manifest(with_container_fields(fields), kFile);
  REQUIRE(docs.size() == 1);
  INFO(docs[0].error);
  REQUIRE(docs[0].pod.has_value());
  return docs[0].pod->spec.containers.at(0);
}

std::string error(const std::string& fields) {
  auto docs = parse_manifest(with_container_fields(fields), kFile);
  REQUIRE(docs.size() == 1);
  REQUIRE_FALSE(docs[0].pod.has_value());
  return docs[0].error;
}

}  // namespace

TEST_CASE("probes: the API server's defaults, and 0 meaning the default") {
  const Container c = app(R"(
    livenessProbe:
      exec: {command: [cat, /tmp/healthy]}
    readinessProbe:
      httpGet: {port: 8080}
      periodSeconds: 0
)");
  REQUIRE(c.liveness_probe);
  const Probe& live = *c.liveness_probe;
  CHECK(std::get<ExecAction>(live.handler).command == std::vector<std::string>{"cat", "/tmp/healthy"});
  CHECK(live.initial_delay_seconds == 0);
  CHECK(live.timeout_seconds == 1);
  CHECK(live.period_seconds == 10);
  CHECK(live.success_threshold == 1);
  CHECK(live.failure_threshold == 3);
  CHECK_FALSE(live.termination_grace_period_seconds);

  REQUIRE(c.readiness_probe);
  const auto& get = std::get<HttpGetAction>(c.readiness_probe->handler);
  CHECK(get.path == "/");
  CHECK(get.port.number == 8080);
  CHECK(get.port.name.empty());
  CHECK(get.host.empty());
  CHECK(get.scheme == UriScheme::Http);
  CHECK(c.readiness_probe->period_seconds == 10);
  CHECK_FALSE(c.startup_probe);
}

TEST_CASE("probes: every field is read, named ports resolved") {
  const Container c = app(R"(
    startupProbe:
      tcpSocket: {port: admin, host: 10.0.0.9}
      initialDelaySeconds: 2
      timeoutSeconds: 3
      periodSeconds: 4
      failureThreshold: 30
      terminationGracePeriodSeconds: 7
    readinessProbe:
      httpGet:
        path: /ready
        port: http
        scheme: HTTPS
        host: example.test
        httpHeaders:
        - {name: X-Probe, value: "yes"}
        - {name: Host, value: app.local}
      successThreshold: 2
    livenessProbe:
      grpc: {port: 9090, service: liveness}
)");
  const auto& tcp = std::get<TcpSocketAction>(c.startup_probe->handler);
  CHECK(tcp.port.number == 9090);
  CHECK(tcp.port.name == "admin");
  CHECK(tcp.host == "10.0.0.9");
  CHECK(c.startup_probe->initial_delay_seconds == 2);
  CHECK(c.startup_probe->timeout_seconds == 3);
  CHECK(c.startup_probe->period_seconds == 4);
  CHECK(c.startup_probe->failure_threshold == 30);
  CHECK(c.startup_probe->termination_grace_period_seconds == 7);

  const auto& get = std::get<HttpGetAction>(c.readiness_probe->handler);
  CHECK(get.path == "/ready");
  CHECK(get.port.number == 8080);
  CHECK(get.scheme == UriScheme::Https);
  CHECK(get.host == "example.test");
  REQUIRE(get.http_headers.size() == 2);
  CHECK(get.http_headers[0].name == "X-Probe");
  CHECK(get.http_headers[0].value == "yes");
  CHECK(c.readiness_probe->success_threshold == 2);

  const auto& grpc = std::get<GrpcAction>(c.liveness_probe->handler);
  CHECK(grpc.port == 9090);
  CHECK(grpc.service == "liveness");
}

TEST_CASE("probes: what the API server refuses is refused, naming the field") {
  const std::string p = "spec.containers[0].livenessProbe";
  CHECK(error("    livenessProbe: {periodSeconds: 5}\n").find(p + ": must specify a handler type") !=
        std::string::npos);
  CHECK(error("    livenessProbe: {exec: {command: [x]}, tcpSocket: {port: 80}}\n")
            .find(p + ": may not specify more than 1 handler type") != std::string::npos);
  CHECK(error("    livenessProbe: {exec: {command: [x]}, successThreshold: 2}\n")
            .find(p + ".successThreshold: must be 1") != std::string::npos);
  CHECK(error("    startupProbe: {exec: {command: [x]}, successThreshold: 3}\n")
            .find("startupProbe.successThreshold: must be 1") != std::string::npos);
  CHECK(error("    readinessProbe: {exec: {command: [x]}, terminationGracePeriodSeconds: 5}\n")
            .find("readinessProbe.terminationGracePeriodSeconds: must not be set for readinessProbes") !=
        std::string::npos);
  CHECK(error("    livenessProbe: {exec: {command: [x]}, terminationGracePeriodSeconds: 0}\n")
            .find(p + ".terminationGracePeriodSeconds: must be greater than 0") != std::string::npos);
  CHECK(error("    livenessProbe: {exec: {command: [x]}, periodSeconds: -1}\n")
            .find(p + ".periodSeconds: must be greater than or equal to 0") != std::string::npos);
  CHECK(error("    livenessProbe: {exec: {command: []}}\n").find(p + ".exec.command: required") !=
        std::string::npos);
  CHECK(error("    livenessProbe: {httpGet: {path: /}}\n").find(p + ".httpGet.port: required") !=
        std::string::npos);
  CHECK(error("    livenessProbe: {httpGet: {port: 70000}}\n").find(p + ".httpGet.port: must be between 1 and 65535") !=
        std::string::npos);
  CHECK(error("    livenessProbe: {httpGet: {port: metrics}}\n")
            .find(p + ".httpGet.port: the container has no port named \"metrics\"") != std::string::npos);
  CHECK(error("    livenessProbe: {tcpSocket: {port: \"8080\"}}\n")
            .find(p + ".tcpSocket.port: \"8080\" is neither a port number nor a port name") != std::string::npos);
  CHECK(error("    livenessProbe: {httpGet: {port: 80, scheme: FTP}}\n")
            .find(p + ".httpGet.scheme: unknown scheme \"FTP\"") != std::string::npos);
  CHECK(error("    livenessProbe: {httpGet: {port: 80, httpHeaders: [{name: \"a b\", value: x}]}}\n")
            .find(p + ".httpGet.httpHeaders[0].name: \"a b\" is not an HTTP header name") != std::string::npos);
  CHECK(error("    livenessProbe: {grpc: {port: http}}\n").find(p + ".grpc.port: expected an integer") !=
        std::string::npos);
  CHECK(error("    livenessProbe: {exec: {command: [x]}, timeoutSecond: 3}\n")
            .find(p + ".timeoutSecond: field not supported by node-agent") != std::string::npos);
}

TEST_CASE("probes: init containers may not have them") {
  const auto docs = parse_manifest(R"(
apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  initContainers:
  - name: setup
    image: busybox
    readinessProbe: {exec: {command: [x]}}
  containers:
  - {name: app, image: busybox}
)",
                                   kFile);
  REQUIRE(docs.size() == 1);
  CHECK(docs[0].error.find("spec.initContainers[0].readinessProbe: must not be set for init containers") !=
        std::string::npos);
}

TEST_CASE("the examples' manifests parse, with their probes") {
  std::ifstream in(std::string(EXAMPLES_DIR) + "/manifests/web.yaml");
  REQUIRE(in);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto docs = parse_manifest(text, kFile);
  REQUIRE(docs.size() == 1);
  INFO(docs[0].error);
  REQUIRE(docs[0].pod);
  const Container& httpd = docs[0].pod->spec.containers.at(0);
  REQUIRE(httpd.readiness_probe);
  CHECK(std::get<HttpGetAction>(httpd.readiness_probe->handler).port.number == 8080);
  REQUIRE(httpd.liveness_probe);
  CHECK(std::get<TcpSocketAction>(httpd.liveness_probe->handler).port.name == "http");
}

TEST_CASE("the ConfigMap example parses: a ConfigMap and a Secret and a pod with their volumes and env") {
  std::ifstream in(std::string(EXAMPLES_DIR) + "/manifests/greeter.yaml");
  REQUIRE(in);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto docs = parse_manifest(text, kFile);
  REQUIRE(docs.size() == 3);
  for (const auto& d : docs) INFO(d.error);
  REQUIRE(docs[0].object);
  CHECK(docs[0].object->kind == ObjectKind::ConfigMap);
  CHECK(docs[0].object->name == "greeter-config");
  REQUIRE(docs[1].object);
  CHECK(docs[1].object->kind == ObjectKind::Secret);
  CHECK(docs[1].object->data.at("api-token") == "not-a-real-token");
  REQUIRE(docs[2].pod);
  CHECK(docs[2].pod->spec.volumes.size() == 2);
  CHECK(docs[2].pod->spec.containers.at(0).env.at(1).secret_key_ref->name == "greeter-secret");
}

TEST_CASE("lifecycle hooks: exec and httpGet; tcpSocket, two handlers or none refused") {
  const Container c = app(R"(
    lifecycle:
      postStart:
        exec: {command: [sh, -c, "echo hi > /tmp/started"]}
      preStop:
        httpGet: {path: /shutdown, port: admin}
)");
  REQUIRE(c.post_start);
  CHECK(std::get<ExecAction>(*c.post_start).command.size() == 3);
  REQUIRE(c.pre_stop);
  CHECK(std::get<HttpGetAction>(*c.pre_stop).port.number == 9090);
  CHECK(std::get<HttpGetAction>(*c.pre_stop).path == "/shutdown");

  const std::string p = "spec.containers[0].lifecycle";
  CHECK(error("    lifecycle: {preStop: {tcpSocket: {port: 80}}}\n").find(p + ".preStop.tcpSocket: not run by kubelet") !=
        std::string::npos);
  CHECK(error("    lifecycle: {postStart: {}}\n").find(p + ".postStart: must specify a handler type") !=
        std::string::npos);
  CHECK(error("    lifecycle: {postStart: {exec: {command: [x]}, httpGet: {port: 80}}}\n")
            .find(p + ".postStart: may not specify more than 1 handler type") != std::string::npos);
  CHECK(error("    lifecycle: {postStop: {exec: {command: [x]}}}\n")
            .find(p + ".postStop: field not supported by node-agent") != std::string::npos);
}
