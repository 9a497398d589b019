// GetContainerEvents through the real cri-shim on the real dockerd: a
// container's lifecycle as evented PLEG sees it (sandbox events included),
// two subscribers, a Docker connection broken while containers change
// behind the shim's back (exactly the missed events, none twice), and
// shutdown with subscribers open.
#include <doctest/doctest.h>
#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "tests/integration/fault_proxy.h"
#include "tests/integration/event_reader.h"
#include "tests/integration/pod_fixture.h"

using namespace itest;
using namespace std::chrono_literals;

namespace {

constexpr auto C = cri::CONTAINER_CREATED_EVENT;
constexpr auto S = cri::CONTAINER_STARTED_EVENT;
constexpr auto X = cri::CONTAINER_STOPPED_EVENT;
constexpr auto D = cri::CONTAINER_DELETED_EVENT;
#define CHECK_TYPES(reader, id, ...) \
  CHECK_MESSAGE((reader).types_of(id) == Types(__VA_ARGS__), types_text((reader).types_of(id)))

const cri::ContainerStatus* status_of(const cri::ContainerEventResponse& e, const std::string& id) {
  for (const auto& s : e.containers_statuses())
    if (s.id() == id) return &s;
  return nullptr;
}

// Every event of pod `pod` carries the pod's sandbox status, and the
// statuses of the pod's containers as they were when it was sent.
void check_pod_state(const std::vector<cri::ContainerEventResponse>& events, Pod& pod) {
  for (const auto& e : events) {
    CAPTURE(e.DebugString());
    CHECK(e.created_at() > 0);
    REQUIRE(e.has_pod_sandbox_status());
    CHECK(e.pod_sandbox_status().id() == pod.id());
    CHECK(e.pod_sandbox_status().metadata().uid() == pod.config().metadata().uid());
    const auto* own = status_of(e, e.container_id());
    if (e.container_id() == pod.id()) {
      CHECK(own == nullptr);  // a sandbox is not among its containers
      if (e.container_event_type() == S) CHECK(e.pod_sandbox_status().state() == cri::SANDBOX_READY);
      if (e.container_event_type() == X || e.container_event_type() == D)
        CHECK(e.pod_sandbox_status().state() == cri::SANDBOX_NOTREADY);
      continue;
    }
    switch (e.container_event_type()) {
      case cri::CONTAINER_CREATED_EVENT:
        REQUIRE(own != nullptr);
        break;
      case cri::CONTAINER_STARTED_EVENT:
        REQUIRE(own != nullptr);
        CHECK(own->state() != cri::CONTAINER_CREATED);
        CHECK(own->started_at() > 0);
        break;
      case cri::CONTAINER_STOPPED_EVENT:
        if (own) CHECK(own->state() == cri::CONTAINER_EXITED);
        break;
      case cri::CONTAINER_DELETED_EVENT:
        CHECK(own == nullptr);
        break;
      default:
        FAIL("unknown event type");
    }
  }
}

void stop_and_remove_pod(cri::RuntimeService::Stub& runtime, const std::string& id) {
  cri::StopPodSandboxRequest stop;
  stop.set_pod_sandbox_id(id);
  cri::StopPodSandboxResponse stopped;
  REQUIRE(runtime.StopPodSandbox(context().get(), stop, &stopped).ok());
  cri::RemovePodSandboxRequest remove;
  remove.set_pod_sandbox_id(id);
  cri::RemovePodSandboxResponse removed;
  REQUIRE(runtime.RemovePodSandbox(context().get(), remove, &removed).ok());
}

}  // namespace

TEST_CASE("events: a container's lifecycle reaches two subscribers in order, with pod state") {
  ShimProcess shim;
  auto runtime = shim.runtime();
  EventReader first(*runtime);
  EventReader second(*runtime);
  Pod pod(*runtime, "events_pod");
  pod.run();
  const std::string c = pod.create(pod.container_config("main", "exec sleep 600"));
  REQUIRE(first.wait_for(c, 1));
  pod.start(c);
  REQUIRE(first.wait_for(c, 2));
  cri::StopContainerRequest stop;
  stop.set_container_id(c);
  stop.set_timeout(0);
  cri::StopContainerResponse stopped;
  REQUIRE(runtime->StopContainer(context().get(), stop, &stopped).ok());
  REQUIRE(first.wait_for(c, 3));
  cri::RemoveContainerRequest remove;
  remove.set_container_id(c);
  cri::RemoveContainerResponse removed;
  REQUIRE(runtime->RemoveContainer(context().get(), remove, &removed).ok());
  REQUIRE(first.wait_for(c, 4));
  // A container whose whole life is over before the shim looks at it.
  const std::string quick = pod.create(pod.container_config("quick", "exec sleep 600"));
  pod.start(quick);
  stop.set_container_id(quick);
  REQUIRE(runtime->StopContainer(context().get(), stop, &stopped).ok());
  remove.set_container_id(quick);
  REQUIRE(runtime->RemoveContainer(context().get(), remove, &removed).ok());
  REQUIRE(first.wait_for(quick, 4));
  REQUIRE(second.wait_for(quick, 4));
  CHECK_TYPES(first, quick, {C, S, X, D});
  CHECK_TYPES(second, quick, {C, S, X, D});
  const std::string sandbox = pod.id();
  stop_and_remove_pod(*runtime, sandbox);
  REQUIRE(first.wait_for(sandbox, 4));
  REQUIRE(second.wait_for(sandbox, 4));
  std::this_thread::sleep_for(1s);  // anything more would be a duplicate

  for (auto* reader : {&first, &second}) {
    CHECK_TYPES(*reader, c, {C, S, X, D});
    CHECK_TYPES(*reader, sandbox, {C, S, X, D});
    const auto events = reader->of({c, sandbox});
    check_pod_state(events, pod);
    // The pod's order: sandbox created and started before the container
    // exists; the container deleted before the sandbox stops.
    std::vector<std::string> order;
    for (const auto& e : events)
      order.push_back((e.container_id() == c ? "c" : "p") +
                      std::to_string(e.container_event_type()));
    CHECK(order == std::vector<std::string>{"p0", "p1", "c0", "c1", "c2", "c3", "p2", "p3"});
  }
  const auto a = first.of({c, sandbox});
  const auto b = second.of({c, sandbox});
  REQUIRE(a.size() == b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    CHECK(a[i].container_id() == b[i].container_id());
    CHECK(a[i].container_event_type() == b[i].container_event_type());
  }
}

TEST_CASE("events: after a broken Docker connection, exactly the missed events, none twice") {
  const auto upstream = docker::Endpoint::parse(
      env_or("CRI_SHIM_TEST_DOCKER_ENDPOINT", "unix:///var/run/docker.sock"));
  if (upstream.kind != docker::Endpoint::Kind::Unix) return;
  const std::string dir = "/tmp/cri-shim-itest-events-" + unique_suffix();
  std::filesystem::create_directories(dir);
  FaultProxy proxy(dir + "/docker.sock", upstream.path);
  support::ShimProcess shim(required_env("CRI_SHIM_BINARY"), "unix://" + proxy.path());
  auto runtime = shim.runtime();
  EventReader reader(*runtime);
  Pod pod(*runtime, "events_resync");
  pod.run();
  const std::string sandbox = pod.id();
  const std::string stays = pod.create_and_start("stays", "exec sleep 600");
  const std::string dies = pod.create_and_start("dies", "exec sleep 600");
  const std::string starts = pod.create(pod.container_config("starts", "exec sleep 600"));
  const std::string goes = pod.create_and_start("goes", "exec sleep 600");
  const std::string idle = pod.create(pod.container_config("idle", "exec sleep 600"));
  REQUIRE(reader.wait_for(sandbox, 2));
  REQUIRE(reader.wait_for(stays, 2));
  REQUIRE(reader.wait_for(dies, 2));
  REQUIRE(reader.wait_for(starts, 1));
  REQUIRE(reader.wait_for(goes, 2));
  REQUIRE(reader.wait_for(idle, 1));

  // dockerd "goes away" for the shim; meanwhile, others change containers.
  proxy.set_down(true);
  std::this_thread::sleep_for(300ms);
  auto& docker = docker_client();
  docker.kill_container(dies);
  docker.start_container(starts);
  docker.remove_container(goes, /*force=*/true);
  docker.remove_container(idle, /*force=*/true);
  // A CRI container made and started behind the shim's back (as another
  // CRI runtime on the node would).
  const auto template_inspect = docker.inspect_container(stays);
  docker::ContainerCreateRequest create;
  create.name = "k8s_sneaky_" + unique_suffix();
  create.image = template_inspect.config.image;
  create.cmd = {"sleep", "600"};
  create.cmd_set = true;
  create.labels = template_inspect.config.labels;
  create.labels["io.cri-shim.container.name"] = "sneaky";
  create.labels["io.kubernetes.container.name"] = "sneaky";
  const std::string sneaky = docker.create_container(create).id;
  docker.start_container(sneaky);
  std::this_thread::sleep_for(1500ms);  // the shim keeps trying meanwhile
  proxy.set_down(false);

  REQUIRE(reader.wait_for(dies, 3));
  REQUIRE(reader.wait_for(starts, 2));
  REQUIRE(reader.wait_for(goes, 4));
  REQUIRE(reader.wait_for(idle, 2));
  REQUIRE(reader.wait_for(sneaky, 2));
  std::this_thread::sleep_for(2s);  // replays of Docker's events must add nothing
  CHECK_TYPES(reader, sandbox, {C, S});
  CHECK_TYPES(reader, stays, {C, S});
  CHECK_TYPES(reader, dies, {C, S, X});
  CHECK_TYPES(reader, starts, {C, S});
  CHECK_TYPES(reader, goes, {C, S, X, D});
  CHECK_TYPES(reader, idle, {C, D});
  CHECK_TYPES(reader, sneaky, {C, S});
  check_pod_state(reader.of({sandbox, stays, dies, starts, goes, idle, sneaky}), pod);
  // The shim noticed the break and resynchronised. How many of the changes
  // the list found and how many Docker's replay (`since`) brought depends
  // on when the watch saw the connection go; exactly-once is what counts.
  CHECK(shim.log().find("container events: reconnected; ") != std::string::npos);

  // The stream goes on live after the resynchronisation.
  cri::RemoveContainerRequest remove;
  remove.set_container_id(dies);
  cri::RemoveContainerResponse removed;
  REQUIRE(runtime->RemoveContainer(context().get(), remove, &removed).ok());
  REQUIRE(reader.wait_for(dies, 4));
  CHECK_TYPES(reader, dies, {C, S, X, D});
  std::filesystem::remove_all(dir);
}

TEST_CASE("events: a cancelled subscriber goes; shutdown ends the others at once") {
  // A 60 s grace (the default is 10 s), so that "ended at once, not after
  // the grace" has room on a loaded machine: the bound below was 8 s against
  // a 10 s grace, while the shutdown also joins start-up work.
  ShimProcess shim({"--shutdown-grace-seconds", "60"});
  auto runtime = shim.runtime();
  auto leaving = std::make_unique<EventReader>(*runtime);
  EventReader staying(*runtime);
  leaving->cancel();
  const auto cancelled = leaving->wait_end(10s);
  REQUIRE(cancelled.has_value());
  CHECK(cancelled->error_code() == grpc::StatusCode::CANCELLED);
  leaving.reset();
  const auto began = std::chrono::steady_clock::now();
  REQUIRE(::kill(shim.pid(), SIGTERM) == 0);
  const auto ended = staying.wait_end(30s);
  REQUIRE(ended.has_value());
  CHECK(ended->error_code() == grpc::StatusCode::UNAVAILABLE);
  CHECK(ended->error_message().find("shutting down") != std::string::npos);
  const int status = shim.stop(SIGTERM, std::chrono::seconds(50));
  const auto took = std::chrono::steady_clock::now() - began;
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  MESSAGE("shutdown with an open event stream took "
          << std::chrono::duration_cast<std::chrono::milliseconds>(took).count() << " ms");
  CHECK(took < 30s);  // not the 60 s grace (start-up work still joins, so not ~0)
}
