// Version and Status against the real dockerd, and what a client sees when
// dockerd is not there.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "tests/integration/harness.h"
#include "tests/support/sanitizer_run.h"

using namespace itest;

TEST_CASE("Version reports docker and dockerd's own version") {
  ShimProcess shim;
  auto stub = shim.runtime();
  cri::VersionRequest request;
  request.set_version("v1");
  cri::VersionResponse response;
  auto status = stub->Version(context().get(), request, &response);
  REQUIRE_MESSAGE(status.ok(), status.error_message());
  CHECK(response.version() == "0.1.0");
  CHECK(response.runtime_name() == "docker");
  CHECK(response.runtime_api_version() == "v1");
  CHECK(response.runtime_version() == docker_client().version().version);
}

TEST_CASE("Status: runtime and network ready, verbose info is JSON") {
  ShimProcess shim;
  auto stub = shim.runtime();
  cri::StatusRequest request;
  request.set_verbose(true);
  cri::StatusResponse response;
  auto status = stub->Status(context().get(), request, &response);
  REQUIRE_MESSAGE(status.ok(), status.error_message());
  bool runtime_ready = false, network_ready = false;
  for (const auto& condition : response.status().conditions()) {
    if (condition.type() == "RuntimeReady") runtime_ready = condition.status();
    if (condition.type() == "NetworkReady") network_ready = condition.status();
  }
  CHECK(runtime_ready);
  CHECK(network_ready);
  REQUIRE(response.info().count("config"));
  auto config = nlohmann::json::parse(response.info().at("config"));
  CHECK(config["dockerApiVersion"].get<std::string>().rfind("1.", 0) == 0);
  for (const char* key : {"followers", "pumpTasks", "pumpTimers", "pumpWatchedStreams"})
    CHECK_MESSAGE(config["logs"][key].is_number_unsigned(), key);
  CHECK((support::sanitizer_run() || config["process"]["heapInUseBytes"].get<std::uint64_t>() > 0));
  CHECK(config["process"]["heapKeptFreeBytes"].is_number_unsigned());
  REQUIRE(response.info().count("dockerInfo"));
  CHECK(nlohmann::json::parse(response.info().at("dockerInfo")).contains("ServerVersion"));
}

TEST_CASE("dockerd unreachable: UNAVAILABLE naming the endpoint, RuntimeReady false") {
  const std::string missing = "unix:///tmp/cri-shim-no-dockerd-" + unique_suffix() + ".sock";
  ShimProcess shim({"--docker-endpoint", missing});
  auto stub = shim.runtime();

  cri::VersionResponse version;
  auto status = stub->Version(context().get(), cri::VersionRequest(), &version);
  CHECK(status.error_code() == grpc::StatusCode::UNAVAILABLE);
  CHECK_MESSAGE(status.error_message().find(missing.substr(7)) != std::string::npos,
                status.error_message());

  cri::StatusResponse response;
  status = stub->Status(context().get(), cri::StatusRequest(), &response);
  REQUIRE_MESSAGE(status.ok(), status.error_message());
  for (const auto& condition : response.status().conditions()) {
    if (condition.type() != "RuntimeReady") continue;
    CHECK_FALSE(condition.status());
    CHECK(condition.reason() == "DockerDaemonNotReachable");
    CHECK(condition.message().find(missing) != std::string::npos);
  }

  auto images = shim.images();
  cri::ListImagesResponse list;
  status = images->ListImages(context().get(), cri::ListImagesRequest(), &list);
  CHECK(status.error_code() == grpc::StatusCode::UNAVAILABLE);
  CHECK(shim.running());
}

TEST_CASE("Exec without a container is INVALID_ARGUMENT, not a URL") {
  ShimProcess shim;
  auto stub = shim.runtime();
  cri::ExecRequest request;
  request.add_cmd("sh");
  request.set_stdout(true);
  cri::ExecResponse response;
  auto status = stub->Exec(context().get(), request, &response);
  CHECK(status.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK(response.url().empty());
  request.set_tty(true);
  request.set_stderr(true);
  request.set_container_id("0123456789ab");
  status = stub->Exec(context().get(), request, &response);
  CHECK(status.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK(status.error_message().find("tty and stderr") != std::string::npos);
}
