#include "shim/server/request_log_fields.h"

#include <doctest/doctest.h>

#include "runtime/v1/api.h"

using shim::request_log_fields;

namespace {

std::string field(const common::LogFields& fields, const std::string& key) {
  for (const auto& [k, v] : fields)
    if (k == key) return v;
  return "<none>";
}

}  // namespace

TEST_CASE("request_log_fields: a pod's name and namespace from RunPodSandbox's config") {
  cri::RunPodSandboxRequest request;
  request.mutable_config()->mutable_metadata()->set_name("web");
  request.mutable_config()->mutable_metadata()->set_namespace_("shop");
  const auto fields = request_log_fields("RunPodSandbox", request);
  REQUIRE(fields.size() == 3);
  CHECK(fields[0] == std::pair<std::string, std::string>{"rpc", "RunPodSandbox"});
  CHECK(field(fields, "pod") == "web");
  CHECK(field(fields, "namespace") == "shop");
}

TEST_CASE("request_log_fields: CreateContainer names the sandbox, the pod and the container") {
  cri::CreateContainerRequest request;
  request.set_pod_sandbox_id("sb1");
  request.mutable_config()->mutable_metadata()->set_name("app");
  request.mutable_config()->mutable_image()->set_image("busybox:1");
  request.mutable_sandbox_config()->mutable_metadata()->set_name("web");
  request.mutable_sandbox_config()->mutable_metadata()->set_namespace_("shop");
  const auto fields = request_log_fields("CreateContainer", request);
  CHECK(field(fields, "pod_sandbox_id") == "sb1");
  CHECK(field(fields, "pod") == "web");
  CHECK(field(fields, "namespace") == "shop");
  CHECK(field(fields, "container") == "app");
}

TEST_CASE("request_log_fields: IDs, images, and nothing for what a request leaves empty") {
  cri::StopContainerRequest stop;
  stop.set_container_id("c1");
  const auto stop_fields = request_log_fields("StopContainer", stop);
  CHECK(stop_fields.size() == 2);
  CHECK(field(stop_fields, "container_id") == "c1");

  cri::PullImageRequest pull;
  pull.mutable_image()->set_image("registry.example/app:2");
  CHECK(field(request_log_fields("PullImage", pull), "image") == "registry.example/app:2");

  cri::ListContainersRequest list;  // a filter is not a subject
  list.mutable_filter()->set_pod_sandbox_id("sb1");
  CHECK(request_log_fields("ListContainers", list).size() == 1);
  cri::VersionRequest version;
  CHECK(request_log_fields("Version", version).size() == 1);
  cri::ContainerStatusRequest empty;
  CHECK(request_log_fields("ContainerStatus", empty).size() == 1);
}
