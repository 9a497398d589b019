// Issue 16, fault injection: dockerd restarted under load (a private dockerd
// of the test's own: the shared one must never restart). While it is down,
// calls that need it fail fast with UNAVAILABLE and none outlasts the
// client's deadline; the shim then recovers by itself (no restart of its
// own); the GetContainerEvents stream opened before the restart stays open
// and carries each container's events exactly once, the stop that happened
// during the outage included; the log copy resumes with each line once.
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <mutex>
#include <thread>

#include "tests/integration/event_reader.h"
#include "tests/integration/pod_fixture.h"
#include "tests/integration/private_dockerd.h"
#include "tests/integration/state_support.h"

using namespace itest;

namespace {

constexpr auto kCallDeadline = std::chrono::seconds(5);

// Prints 1, 2, 3, ... every 20 ms until stopped.
const char* const kTicker = "i=0; while true; do i=$((i+1)); echo $i; sleep 0.02; done";

// The pods of this test run in the private dockerd's own network namespace.
void use_host_network(Pod& pod) {
  pod.config().mutable_linux()->mutable_security_context()->mutable_namespace_options()->set_network(cri::NODE);
}

// Calls made in a loop while dockerd restarts: each one's code and time.
struct CallRecord {
  grpc::StatusCode code;
  std::chrono::milliseconds took;
  std::string what;
};

int docker_log_line_count(docker::Client& client, const std::string& id) {
  docker::LogOptions options;
  int lines = 0;
  client.container_logs(id, options, [&](const docker::OutputChunk& chunk) {
    lines += static_cast<int>(std::count(chunk.data.begin(), chunk.data.end(), '\n'));
    return true;
  });
  return lines;
}

}  // namespace

TEST_CASE("dockerd_restart_test: under load: fast UNAVAILABLE, recovery by itself, events and logs exactly once") {
  if (std::getenv("CRI_SHIM_TEST_DOCKER_ENDPOINT") == nullptr) {
    MESSAGE("no test environment (scripts/test.sh sets it up): skipped");
    return;
  }
  ScratchDir dir("cri-shim-dockerd-restart");
  PrivateDockerd dockerd(dir.path() + "/dockerd");
  dockerd.load_image(env_or("CRI_SHIM_TEST_DOCKER_ENDPOINT", "unix:///var/run/docker.sock"),
                     required_env("CRI_SHIM_TEST_IMAGE"));
  ShimProcess shim({"--docker-endpoint", dockerd.endpoint(), "--root-dir", dir.path() + "/root"});
  auto runtime = shim.runtime();

  Pod before(*runtime, "before");
  use_host_network(before);
  before.run();
  EventReader events(*runtime);
  const auto ticker = before.create_and_start("ticker", kTicker);
  REQUIRE(events.wait_for(ticker, 2));  // CREATED, STARTED
  std::this_thread::sleep_for(std::chrono::seconds(1));

  // Load: three clients of their own, each call with a 5 s deadline.
  std::atomic<bool> stop{false};
  std::mutex mutex;
  std::vector<CallRecord> calls;
  const auto record = [&](const std::string& what, const grpc::Status& status, auto started) {
    std::lock_guard lock(mutex);
    calls.push_back({status.error_code(),
                     std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started),
                     what + ": " + status.error_message()});
  };
  std::vector<std::thread> load;
  for (int client = 0; client < 3; ++client)
    load.emplace_back([&, client] {
      auto stub = state::own_stub(shim.socket_path());
      auto images = cri::ImageService::NewStub(
          grpc::CreateChannel("unix:" + shim.socket_path(), grpc::InsecureChannelCredentials()));
      while (!stop) {
        const auto started = std::chrono::steady_clock::now();
        grpc::Status status;
        if (client == 0) {
          cri::ContainerStatusRequest request;
          request.set_container_id(ticker);
          cri::ContainerStatusResponse response;
          status = stub->ContainerStatus(context(kCallDeadline).get(), request, &response);
          record("ContainerStatus", status, started);
        } else if (client == 1) {
          cri::ListImagesRequest request;
          cri::ListImagesResponse response;
          status = images->ListImages(context(kCallDeadline).get(), request, &response);
          record("ListImages", status, started);
        } else {
          cri::ExecSyncRequest request;
          request.set_container_id(ticker);
          request.add_cmd("true");
          request.set_timeout(4);
          cri::ExecSyncResponse response;
          status = stub->ExecSync(context(kCallDeadline).get(), request, &response);
          record("ExecSync", status, started);
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
    });

  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  const auto restart_started = std::chrono::steady_clock::now();
  dockerd.restart();  // SIGTERM: dockerd stops the ticker, as on a host's restart
  const auto restart_took = std::chrono::steady_clock::now() - restart_started;

  // The shim recovers by itself: a new pod runs through it.
  Pod after(*runtime, "after");
  use_host_network(after);
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  grpc::Status run_status;
  while (!(run_status = after.try_run()).ok() && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  REQUIRE_MESSAGE(run_status.ok(), run_status.error_message());
  const auto recovered_after = std::chrono::steady_clock::now() - restart_started;
  const auto second = after.create_and_start("ticker", kTicker);
  stop = true;
  for (auto& thread : load) thread.join();

  // No call outlived its deadline; every failure was UNAVAILABLE.
  int unavailable = 0;
  std::chrono::milliseconds slowest_failure{0};
  for (const auto& call : calls) {
    CHECK_MESSAGE(call.took < kCallDeadline + std::chrono::seconds(1), call.what << " took " << call.took.count()
                                                                              << " ms");
    if (call.code == grpc::StatusCode::OK) continue;
    // A ContainerStatus or ExecSync of the ticker after dockerd stopped it
    // is not a failure of the shim's: the container exited.
    if (call.code == grpc::StatusCode::FAILED_PRECONDITION || call.code == grpc::StatusCode::NOT_FOUND) continue;
    CHECK_MESSAGE(call.code == grpc::StatusCode::UNAVAILABLE, call.what);
    unavailable += call.code == grpc::StatusCode::UNAVAILABLE;
    slowest_failure = std::max(slowest_failure, call.took);
  }

  // Events: the ticker's stop (during the outage) once, the new container's
  // creation and start once, on the stream opened before the restart.
  REQUIRE(events.wait_for(ticker, 3));
  REQUIRE(events.wait_for(second, 2));
  std::this_thread::sleep_for(std::chrono::seconds(1));  // room for a duplicate to show
  const Types whole_life = {cri::CONTAINER_CREATED_EVENT, cri::CONTAINER_STARTED_EVENT, cri::CONTAINER_STOPPED_EVENT};
  const Types running = {cri::CONTAINER_CREATED_EVENT, cri::CONTAINER_STARTED_EVENT};
  CHECK_MESSAGE(events.types_of(ticker) == whole_life, types_text(events.types_of(ticker)));
  CHECK_MESSAGE(events.types_of(second) == running, types_text(events.types_of(second)));

  // Logs: the stopped ticker's whole log, each line once; the new one's grows.
  const auto ticker_status = before.wait_exited(ticker, 30);
  const int in_docker = docker_log_line_count(dockerd.client(), ticker);
  int in_file = 0;
  for (int i = 0; i < 100 && (in_file = state::check_numbered_log(ticker_status.log_path())) < in_docker; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  CHECK(in_file == in_docker);
  CHECK(in_file > 10);
  const auto second_log = after.status(second).log_path();
  for (int i = 0; i < 100 && state::check_numbered_log(second_log) < 10; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  CHECK(state::check_numbered_log(second_log) >= 10);

  MESSAGE("dockerd restart took " << std::chrono::duration_cast<std::chrono::milliseconds>(restart_took).count()
                                  << " ms; the shim ran a pod again "
                                  << std::chrono::duration_cast<std::chrono::milliseconds>(recovered_after).count()
                                  << " ms after the restart began; " << calls.size() << " calls under load, "
                                  << unavailable << " UNAVAILABLE, the slowest failure in "
                                  << slowest_failure.count() << " ms; the ticker's " << in_file
                                  << " lines once each");
}
