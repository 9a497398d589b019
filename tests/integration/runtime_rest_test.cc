// The rest of runtime.v1: every method answers (none UNIMPLEMENTED),
// RuntimeConfig, the Stream twins of the List calls, UpdatePodSandboxResources
// on a real pod cgroup, CheckpointContainer on a daemon without checkpoint
// support, and Status's verbose streaming address.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>

#include <google/protobuf/util/message_differencer.h>
#include <nlohmann/json.hpp>

#include "tests/integration/harness.h"
#include "tests/integration/pod_fixture.h"

using namespace itest;

namespace {

template <typename Response, typename Reader>
grpc::Status drain(Reader reader) {
  Response page;
  while (reader->Read(&page)) {
  }
  return reader->Finish();
}

std::string slurp(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

TEST_CASE("every RuntimeService and ImageService method answers; none is UNIMPLEMENTED") {
  ShimProcess shim;
  auto runtime = shim.runtime();
  auto images = shim.images();
  // Each method with an empty request; a short deadline ends the event stream.
  using Call = std::function<grpc::Status()>;
  auto ctx = [] { return context(std::chrono::seconds(3)); };
#define UNARY(stub, method)                                                         \
  {#method, [&] {                                                                   \
     cri::method##Response response;                                                \
     return stub->method(ctx().get(), cri::method##Request(), &response);           \
   }}
#define STREAM(stub, method, request_type, response_type)                            \
  {#method, [&] {                                                                   \
     auto c = ctx();                                                                \
     return drain<cri::response_type>(stub->method(c.get(), cri::request_type())); \
   }}
  const std::map<std::string, Call> runtime_calls = {
      UNARY(runtime, Version), UNARY(runtime, RunPodSandbox), UNARY(runtime, StopPodSandbox),
      UNARY(runtime, RemovePodSandbox), UNARY(runtime, PodSandboxStatus), UNARY(runtime, ListPodSandbox),
      UNARY(runtime, CreateContainer), UNARY(runtime, StartContainer), UNARY(runtime, StopContainer),
      UNARY(runtime, RemoveContainer), UNARY(runtime, ListContainers), UNARY(runtime, ContainerStatus),
      UNARY(runtime, UpdateContainerResources), UNARY(runtime, ReopenContainerLog), UNARY(runtime, ExecSync),
      UNARY(runtime, Exec), UNARY(runtime, Attach), UNARY(runtime, PortForward), UNARY(runtime, ContainerStats),
      UNARY(runtime, ListContainerStats), UNARY(runtime, PodSandboxStats), UNARY(runtime, ListPodSandboxStats),
      UNARY(runtime, UpdateRuntimeConfig), UNARY(runtime, Status), UNARY(runtime, CheckpointContainer),
      UNARY(runtime, ListMetricDescriptors), UNARY(runtime, ListPodSandboxMetrics), UNARY(runtime, RuntimeConfig),
      UNARY(runtime, UpdatePodSandboxResources),
      STREAM(runtime, StreamPodSandboxes, StreamPodSandboxesRequest, StreamPodSandboxesResponse),
      STREAM(runtime, StreamContainers, StreamContainersRequest, StreamContainersResponse),
      STREAM(runtime, StreamContainerStats, StreamContainerStatsRequest, StreamContainerStatsResponse),
      STREAM(runtime, StreamPodSandboxStats, StreamPodSandboxStatsRequest, StreamPodSandboxStatsResponse),
      STREAM(runtime, StreamPodSandboxMetrics, StreamPodSandboxMetricsRequest, StreamPodSandboxMetricsResponse),
      STREAM(runtime, GetContainerEvents, GetEventsRequest, ContainerEventResponse),
  };
  const std::map<std::string, Call> image_calls = {
      UNARY(images, ListImages), UNARY(images, ImageStatus), UNARY(images, PullImage), UNARY(images, RemoveImage),
      UNARY(images, ImageFsInfo),
      STREAM(images, StreamImages, StreamImagesRequest, StreamImagesResponse),
  };
#undef UNARY
#undef STREAM
  // The tables cover the services as the proto declares them, so a method
  // added to the proto cannot escape this test.
  for (const auto& [service, calls] :
       {std::pair{cri::RuntimeService::service_full_name(), &runtime_calls},
        std::pair{cri::ImageService::service_full_name(), &image_calls}}) {
    const auto* descriptor = google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(service);
    REQUIRE(descriptor != nullptr);
    CHECK(calls->size() == static_cast<std::size_t>(descriptor->method_count()));
    for (int i = 0; i < descriptor->method_count(); ++i) {
      const std::string name = descriptor->method(i)->name();
      CAPTURE(name);
      const auto call = calls->find(name);
      REQUIRE_MESSAGE(call != calls->end(), "no call in this test for " << service << "/" << name);
      const grpc::Status status = call->second();
      CHECK_MESSAGE(status.error_code() != grpc::StatusCode::UNIMPLEMENTED, status.error_message());
    }
  }
  CHECK(shim.running());
}

TEST_CASE("RuntimeConfig: Docker's cgroup driver") {
  ShimProcess shim;
  cri::RuntimeConfigResponse response;
  const auto status = shim.runtime()->RuntimeConfig(context().get(), cri::RuntimeConfigRequest(), &response);
  REQUIRE_MESSAGE(status.ok(), status.error_message());
  const std::string driver = docker_client().info().cgroup_driver;
  CHECK(response.linux().cgroup_driver() == (driver == "systemd" ? cri::SYSTEMD : cri::CGROUPFS));
}

TEST_CASE("StreamPodSandboxes and StreamContainers give what their List twins give") {
  ShimProcess shim;
  auto runtime = shim.runtime();
  Pod first(*runtime, "stream-a"), second(*runtime, "stream-b");
  first.run();
  second.run();
  first.create_and_start("one", "exec sleep 3600");
  second.create(second.container_config("two", "exec sleep 3600"));

  cri::ListPodSandboxRequest list;
  list.mutable_filter()->mutable_label_selector()->insert({"io.kubernetes.pod.uid",
                                                           first.config().metadata().uid()});
  cri::ListPodSandboxResponse listed;
  REQUIRE(runtime->ListPodSandbox(context().get(), list, &listed).ok());
  REQUIRE(listed.items_size() == 1);

  cri::StreamPodSandboxesRequest stream;
  *stream.mutable_filter() = list.filter();
  auto c = context();
  auto reader = runtime->StreamPodSandboxes(c.get(), stream);
  std::vector<cri::PodSandbox> streamed;
  for (cri::StreamPodSandboxesResponse page; reader->Read(&page);)
    for (const auto& sandbox : page.pod_sandboxes()) streamed.push_back(sandbox);
  REQUIRE(reader->Finish().ok());
  REQUIRE(streamed.size() == 1);
  // Maps serialise in no fixed order: compare as messages.
  CHECK_MESSAGE(google::protobuf::util::MessageDifferencer::Equals(streamed[0], listed.items(0)),
                streamed[0].DebugString() << " vs " << listed.items(0).DebugString());

  for (const Pod* pod : {&first, &second}) {
    cri::ContainerFilter filter;
    filter.set_pod_sandbox_id(pod->id());
    cri::ListContainersRequest list_containers;
    *list_containers.mutable_filter() = filter;
    cri::ListContainersResponse containers;
    REQUIRE(runtime->ListContainers(context().get(), list_containers, &containers).ok());
    REQUIRE(containers.containers_size() == 1);
    cri::StreamContainersRequest stream_containers;
    *stream_containers.mutable_filter() = filter;
    auto cc = context();
    auto container_reader = runtime->StreamContainers(cc.get(), stream_containers);
    std::vector<cri::Container> streamed_containers;
    for (cri::StreamContainersResponse page; container_reader->Read(&page);)
      for (const auto& container : page.containers()) streamed_containers.push_back(container);
    REQUIRE(container_reader->Finish().ok());
    REQUIRE(streamed_containers.size() == 1);
    CHECK_MESSAGE(google::protobuf::util::MessageDifferencer::Equals(streamed_containers[0], containers.containers(0)),
                  streamed_containers[0].DebugString() << " vs " << containers.containers(0).DebugString());
  }
}

TEST_CASE("UpdatePodSandboxResources writes the pod's limits into its cgroup") {
  ShimProcess shim;
  auto runtime = shim.runtime();
  const std::string parent = "/cri-shim-test-pod-" + unique_suffix();
  const std::filesystem::path memory_dir = "/sys/fs/cgroup/memory" + parent;
  const std::filesystem::path cpu_dir = "/sys/fs/cgroup/cpu" + parent;
  if (!std::filesystem::exists("/sys/fs/cgroup/memory")) {
    MESSAGE("no cgroup v1 memory hierarchy here: the v2 layout is covered by the unit tests");
    return;
  }
  {
    Pod pod(*runtime, "resize");
    pod.config().mutable_linux()->set_cgroup_parent(parent);
    pod.run();

    cri::UpdatePodSandboxResourcesRequest request;
    request.set_pod_sandbox_id(pod.id());
    request.mutable_resources()->set_memory_limit_in_bytes(96 << 20);
    request.mutable_resources()->set_cpu_shares(512);
    request.mutable_resources()->set_cpu_period(100000);
    request.mutable_resources()->set_cpu_quota(50000);
    request.mutable_overhead()->set_memory_limit_in_bytes(32 << 20);
    request.mutable_overhead()->set_cpu_shares(2);
    cri::UpdatePodSandboxResourcesResponse response;
    auto status = runtime->UpdatePodSandboxResources(context().get(), request, &response);
    REQUIRE_MESSAGE(status.ok(), status.error_message());
    CHECK(std::stoll(slurp(memory_dir / "memory.limit_in_bytes")) == (128 << 20));
    CHECK(std::stoll(slurp(cpu_dir / "cpu.shares")) == 514);
    CHECK(std::stoll(slurp(cpu_dir / "cpu.cfs_quota_us")) == 50000);

    SUBCASE("bad values and unknown pods") {
      request.mutable_resources()->set_memory_limit_in_bytes(-1);
      status = runtime->UpdatePodSandboxResources(context().get(), request, &response);
      CHECK(status.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
      CHECK(status.error_message().find("resources") != std::string::npos);
      request.mutable_resources()->set_memory_limit_in_bytes(1 << 30);
      request.set_pod_sandbox_id("no-such-pod-" + unique_suffix());
      status = runtime->UpdatePodSandboxResources(context().get(), request, &response);
      CHECK(status.error_code() == grpc::StatusCode::NOT_FOUND);
      request.clear_pod_sandbox_id();
      status = runtime->UpdatePodSandboxResources(context().get(), request, &response);
      CHECK(status.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
    }
  }
  SUBCASE("a pod without a cgroup parent of its own: nothing to resize, no error") {
    Pod pod(*runtime, "resize-none");
    pod.run();
    cri::UpdatePodSandboxResourcesRequest request;
    request.set_pod_sandbox_id(pod.id());
    request.mutable_resources()->set_memory_limit_in_bytes(64 << 20);
    cri::UpdatePodSandboxResourcesResponse response;
    const auto status = runtime->UpdatePodSandboxResources(context().get(), request, &response);
    CHECK_MESSAGE(status.ok(), status.error_message());
  }
  remove_test_cgroups(parent);
}

TEST_CASE("CheckpointContainer: argument errors, and a daemon without checkpoint support says so") {
  ShimProcess shim;
  auto runtime = shim.runtime();
  Pod pod(*runtime, "checkpoint");
  pod.run();
  const std::string id = pod.create_and_start("c", "exec sleep 3600");
  const std::string location = "/tmp/cri-shim-checkpoint-" + unique_suffix() + ".tar";

  cri::CheckpointContainerRequest request;
  cri::CheckpointContainerResponse response;
  request.set_location(location);
  auto status = runtime->CheckpointContainer(context().get(), request, &response);
  CHECK(status.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  request.set_container_id(id);
  request.clear_location();
  status = runtime->CheckpointContainer(context().get(), request, &response);
  CHECK(status.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK(status.error_message().find("location") != std::string::npos);
  request.set_location(location);
  request.set_container_id("no-such-container-" + unique_suffix());
  status = runtime->CheckpointContainer(context().get(), request, &response);
  CHECK(status.error_code() == grpc::StatusCode::NOT_FOUND);

  request.set_container_id(id);
  status = runtime->CheckpointContainer(context().get(), request, &response);
  const bool experimental = docker_client().info().raw.value("ExperimentalBuild", false);
  if (experimental) {
    MESSAGE("dockerd is experimental here: CheckpointContainer went to Docker: " << status.error_message());
  } else {
    CHECK(status.error_code() == grpc::StatusCode::FAILED_PRECONDITION);
    CHECK(status.error_message().find("experimental") != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(location));
  }
  // Nothing of the attempt is left beside the location.
  for (const auto& entry : std::filesystem::directory_iterator("/tmp"))
    CHECK(entry.path().string().rfind(location + ".", 0) != 0);
  std::error_code ignored;
  std::filesystem::remove(location, ignored);
}

TEST_CASE("Status verbose names the streaming server and the sandbox image") {
  ShimProcess shim;
  cri::StatusRequest request;
  request.set_verbose(true);
  cri::StatusResponse response;
  REQUIRE(shim.runtime()->Status(context().get(), request, &response).ok());
  const auto config = nlohmann::json::parse(response.info().at("config"));
  CHECK(config.value("streamingServer", "").rfind("http://127.0.0.1:", 0) == 0);
  // containerd's key: a kubelet-like client's image GC never removes the infra image.
  CHECK(config.value("sandboxImage", "").rfind("cri-shim.local/pause:", 0) == 0);
}
