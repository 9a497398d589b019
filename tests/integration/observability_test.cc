// What an operator watches (issue 17): --metrics-address serves Prometheus
// text whose counts follow the calls made (per RPC and gRPC code, per Docker
// endpoint, the runtime's and the process's gauges), and --log-format json
// gives each line of a CRI call the call's subjects as fields.
#include <doctest/doctest.h>
#include <sys/wait.h>

#include <chrono>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "tests/integration/harness.h"
#include "tests/integration/pod_fixture.h"
#include "tests/support/sanitizer_run.h"
#include "tests/support/wait_for.h"

using namespace itest;

namespace {

// The port the shim's log says its metrics server took.
int metrics_port(const ShimProcess& shim) {
  static const std::regex kListening(R"(metrics: listening on [0-9.]+:([0-9]+))");
  std::smatch match;
  const std::string log = shim.log();
  REQUIRE_MESSAGE(std::regex_search(log, match, kListening), log);
  return std::stoi(match[1]);
}

std::string scrape(int port) {
  httplib::Client client("127.0.0.1", port);
  client.set_read_timeout(10, 0);
  const auto reply = client.Get("/metrics");
  REQUIRE(reply);
  CHECK(reply->status == 200);
  CHECK(reply->get_header_value("Content-Type").find("text/plain; version=0.0.4") == 0);
  return reply->body;
}

// The value of the sample line that starts with `series` ("name{labels}"), or -1.
double sample(const std::string& text, const std::string& series) {
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);)
    if (line.rfind(series + " ", 0) == 0) return std::stod(line.substr(series.size() + 1));
  return -1;
}

std::string handled(const std::string& method, const std::string& code) {
  return "grpc_server_handled_total{grpc_method=\"" + method +
         "\",grpc_service=\"runtime.v1.RuntimeService\",grpc_type=\"unary\",grpc_code=\"" + code + "\"}";
}

std::vector<nlohmann::json> json_lines(const std::string& log) {
  std::vector<nlohmann::json> lines;
  std::istringstream in(log);
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line.front() != '{') continue;
    lines.push_back(nlohmann::json::parse(line));  // throws (fails the test) on an invalid line
  }
  return lines;
}

}  // namespace

TEST_CASE("--metrics-address: per-RPC counts by code and latency, Docker endpoints, runtime and process gauges") {
  ShimProcess shim({"--metrics-address", "127.0.0.1:0"});
  const int port = metrics_port(shim);
  auto runtime = shim.runtime();

  for (int i = 0; i < 3; ++i) {
    cri::VersionRequest request;
    cri::VersionResponse response;
    REQUIRE(runtime->Version(context().get(), request, &response).ok());
  }
  cri::ContainerStatusRequest unknown;
  unknown.set_container_id("no-such-container-for-metrics");
  cri::ContainerStatusResponse status_response;
  CHECK(runtime->ContainerStatus(context().get(), unknown, &status_response).error_code() ==
        grpc::StatusCode::NOT_FOUND);
  Pod pod(*runtime, "metrics");
  pod.run();
  pod.create_and_start("main", "sleep 300");

  // A call is counted when gRPC destroys it, which may be a moment after
  // its reply reached the client: the counts are final once nothing is in
  // flight (the scrape is not a CRI call).
  const auto settled_scrape = [&] {
    std::string text;
    support::wait_for([&] { return sample(text = scrape(port), "cri_shim_grpc_requests_in_flight") == 0; },
                      std::chrono::seconds(10));
    return text;
  };
  const std::string text = settled_scrape();
  INFO(text);
  CHECK(sample(text, handled("Version", "OK")) == 3);
  CHECK(sample(text, handled("ContainerStatus", "NotFound")) == 1);
  CHECK(sample(text, handled("RunPodSandbox", "OK")) == 1);
  CHECK(sample(text, "grpc_server_started_total{grpc_method=\"RunPodSandbox\",grpc_service=\"runtime.v1.RuntimeService\","
                     "grpc_type=\"unary\"}") == 1);
  CHECK(sample(text, "grpc_server_handling_seconds_count{grpc_method=\"Version\",grpc_service=\"runtime.v1."
                     "RuntimeService\",grpc_type=\"unary\"}") == 3);
  CHECK(text.find("grpc_server_handling_seconds_bucket{grpc_method=\"RunPodSandbox\"") != std::string::npos);
  CHECK(text.find("# TYPE grpc_server_handling_seconds histogram") != std::string::npos);
  CHECK(sample(text, "cri_shim_grpc_requests_in_flight") == 0);

  // Docker endpoints, one series each whatever the object.
  CHECK(sample(text, "cri_shim_docker_requests_total{code=\"201\",endpoint=\"POST /containers/create\"}") >= 2);
  CHECK(sample(text, "cri_shim_docker_requests_total{code=\"204\",endpoint=\"POST /containers/{id}/start\"}") >= 2);
  CHECK(text.find("cri_shim_docker_request_duration_seconds_count{endpoint=\"GET /events\"}") != std::string::npos);
  CHECK(text.find("/containers/" + pod.id()) == std::string::npos);

  // The runtime's and the process's.
  CHECK(sample(text, "cri_shim_container_store_live") == 1);
  CHECK(sample(text, "cri_shim_container_store_objects") >= 2);
  CHECK(sample(text, "cri_shim_docker_event_connections_total") >= 1);
  CHECK(sample(text, "cri_shim_docker_event_reconnects_total") == 0);
  CHECK(sample(text, "cri_shim_log_followers") >= 1);
  CHECK(sample(text, "cri_shim_log_messages_dropped_total") == 0);
  CHECK(sample(text, "cri_shim_streaming_sessions") == 0);
  CHECK(sample(text, "cri_shim_streaming_sessions_started_total{kind=\"exec\"}") == 0);
  CHECK(sample(text, "process_resident_memory_bytes") > 1e6);
  CHECK(sample(text, "process_open_fds") > 3);
  CHECK(sample(text, "process_threads") >= 3);
  CHECK(sample(text, "process_start_time_seconds") > 1.7e9);
  CHECK((support::sanitizer_run() || sample(text, "cri_shim_heap_in_use_bytes") > 0));

  // A second scrape sees the counts move, and only by what happened.
  cri::VersionRequest request;
  cri::VersionResponse response;
  REQUIRE(runtime->Version(context().get(), request, &response).ok());
  CHECK(sample(settled_scrape(), handled("Version", "OK")) == 4);
}

TEST_CASE("--metrics-address: a port in use fails the start, naming it; a bad address is a usage error") {
  ShimProcess first({"--metrics-address", "127.0.0.1:0"});
  const int port = metrics_port(first);
  ShimProcess second({"--metrics-address", "127.0.0.1:" + std::to_string(port)}, /*wait_ready=*/false);
  const int status = second.stop(0, std::chrono::seconds(30));  // signal 0: only waits for the exit
  REQUIRE(status != -1);
  CHECK(WEXITSTATUS(status) == 1);
  CHECK(second.log().find("metrics: cannot bind 127.0.0.1:" + std::to_string(port)) != std::string::npos);

  ShimProcess bad({"--metrics-address", "unix:///tmp/x"}, /*wait_ready=*/false);
  const int bad_status = bad.stop(0, std::chrono::seconds(30));
  CHECK(WEXITSTATUS(bad_status) == 2);
  CHECK(bad.log().find("--metrics-address") != std::string::npos);
}

TEST_CASE("--log-format json: a CRI call's lines carry rpc, pod, namespace and IDs as fields; its end code and "
          "duration_ms") {
  ShimProcess shim({"--log-format", "json"});
  auto runtime = shim.runtime();
  Pod pod(*runtime, "json-logs");
  pod.config().mutable_metadata()->set_namespace_("observed");
  const std::string sandbox_id = pod.run();
  cri::ContainerStatusRequest unknown;
  unknown.set_container_id("no-such-container-for-logs");
  cri::ContainerStatusResponse response;
  CHECK(runtime->ContainerStatus(context().get(), unknown, &response).error_code() == grpc::StatusCode::NOT_FOUND);
  cri::PodSandboxStatusRequest status_request;
  status_request.set_pod_sandbox_id(sandbox_id);
  cri::PodSandboxStatusResponse status_response;
  REQUIRE(runtime->PodSandboxStatus(context().get(), status_request, &status_response).ok());
  // A call's end line is written when gRPC destroys the call, which may be
  // a moment after the reply reached the client (seen under ASan and load).
  const auto ends_logged = [&] {
    bool run = false, status = false;
    for (const auto& line : json_lines(shim.log())) {
      if (!line.contains("duration_ms")) continue;
      run = run || line.value("rpc", "") == "RunPodSandbox";
      status = status || line.value("rpc", "") == "PodSandboxStatus";
    }
    return run && status;
  };
  support::wait_for(ends_logged, std::chrono::seconds(10));

  const auto lines = json_lines(shim.log());
  REQUIRE(lines.size() > 5);
  bool run_end = false, run_inside = false, not_found = false, status_end = false;
  for (const auto& line : lines) {
    CHECK(line.contains("time"));
    CHECK(line.contains("level"));
    CHECK(line.contains("msg"));
    if (line.value("rpc", "") == "RunPodSandbox") {
      CHECK(line.value("pod", "") == pod.config().metadata().name());
      CHECK(line.value("namespace", "") == "observed");
      if (line.contains("duration_ms")) {
        run_end = true;
        CHECK(line.value("code", "") == "OK");
        CHECK(std::stod(line.value("duration_ms", "0")) > 0);
      } else {
        run_inside = true;  // a line the handler itself logged
      }
    }
    if (line.value("rpc", "") == "ContainerStatus" && line.value("code", "") == "NotFound") {
      CHECK(line.value("container_id", "") == "no-such-container-for-logs");
      not_found = true;
    }
    if (line.value("rpc", "") == "PodSandboxStatus" && line.contains("duration_ms")) {
      CHECK(line.value("pod_sandbox_id", "") == sandbox_id);
      status_end = true;
    }
  }
  CHECK(run_end);
  CHECK(run_inside);
  CHECK(not_found);
  CHECK(status_end);
}
