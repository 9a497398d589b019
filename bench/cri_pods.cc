#include "bench/cri_pods.h"

#include <filesystem>

#include "bench/cri_call.h"

namespace bench {

CriPods::CriPods(cri::RuntimeService::Stub& runtime, std::string run, std::string log_root,
                 std::string image)
    : runtime_(runtime), run_(std::move(run)), log_root_(std::move(log_root)), image_(std::move(image)) {}

cri::PodSandboxConfig CriPods::sandbox_config(int n) const {
  cri::PodSandboxConfig config;
  auto* metadata = config.mutable_metadata();
  metadata->set_name("bench-" + std::to_string(n));
  metadata->set_namespace_("bench");
  metadata->set_uid(run_ + "-" + std::to_string(n));
  metadata->set_attempt(0);
  config.set_hostname("bench-" + std::to_string(n));
  const std::string logs = log_root_ + "/" + metadata->uid();
  std::filesystem::create_directories(logs);
  config.set_log_directory(logs);
  (*config.mutable_labels())["app"] = "cri-shim-bench";
  (*config.mutable_labels())["io.kubernetes.pod.uid"] = metadata->uid();
  (*config.mutable_annotations())["kubernetes.io/config.source"] = "api";
  return config;
}

cri::ContainerConfig CriPods::container_config() const {
  cri::ContainerConfig config;
  config.mutable_metadata()->set_name("sleeper");
  config.mutable_image()->set_image(image_);
  config.add_command("sleep");
  config.add_args("3600");
  config.set_log_path("sleeper_0.log");
  (*config.mutable_labels())["app"] = "cri-shim-bench";
  return config;
}

std::string CriPods::run_pod_sandbox(const cri::PodSandboxConfig& config) {
  cri::RunPodSandboxRequest request;
  *request.mutable_config() = config;
  cri::RunPodSandboxResponse response;
  check(runtime_.RunPodSandbox(context().get(), request, &response), "RunPodSandbox");
  return response.pod_sandbox_id();
}

std::string CriPods::create_container(const std::string& sandbox_id,
                                      const cri::PodSandboxConfig& config) {
  cri::CreateContainerRequest request;
  request.set_pod_sandbox_id(sandbox_id);
  *request.mutable_config() = container_config();
  *request.mutable_sandbox_config() = config;
  cri::CreateContainerResponse response;
  check(runtime_.CreateContainer(context().get(), request, &response), "CreateContainer");
  return response.container_id();
}

void CriPods::start_container(const std::string& id) {
  cri::StartContainerRequest request;
  request.set_container_id(id);
  cri::StartContainerResponse response;
  check(runtime_.StartContainer(context().get(), request, &response), "StartContainer");
}

void CriPods::stop_container(const std::string& id, std::int64_t timeout) {
  cri::StopContainerRequest request;
  request.set_container_id(id);
  request.set_timeout(timeout);
  cri::StopContainerResponse response;
  check(runtime_.StopContainer(context().get(), request, &response), "StopContainer");
}

cri::ContainerStatusResponse CriPods::container_status(const std::string& id) {
  cri::ContainerStatusRequest request;
  request.set_container_id(id);
  cri::ContainerStatusResponse response;
  check(runtime_.ContainerStatus(context().get(), request, &response), "ContainerStatus");
  return response;
}

void CriPods::remove_container(const std::string& id) {
  cri::RemoveContainerRequest request;
  request.set_container_id(id);
  cri::RemoveContainerResponse response;
  check(runtime_.RemoveContainer(context().get(), request, &response), "RemoveContainer");
}

void CriPods::stop_pod_sandbox(const std::string& id) {
  cri::StopPodSandboxRequest request;
  request.set_pod_sandbox_id(id);
  cri::StopPodSandboxResponse response;
  check(runtime_.StopPodSandbox(context().get(), request, &response), "StopPodSandbox");
}

void CriPods::remove_pod_sandbox(const std::string& id) {
  cri::RemovePodSandboxRequest request;
  request.set_pod_sandbox_id(id);
  cri::RemovePodSandboxResponse response;
  check(runtime_.RemovePodSandbox(context().get(), request, &response), "RemovePodSandbox");
}

int CriPods::list_pod_sandbox() {
  cri::ListPodSandboxResponse response;
  check(runtime_.ListPodSandbox(context().get(), cri::ListPodSandboxRequest(), &response),
        "ListPodSandbox");
  return response.items_size();
}

int CriPods::list_containers() {
  cri::ListContainersResponse response;
  check(runtime_.ListContainers(context().get(), cri::ListContainersRequest(), &response),
        "ListContainers");
  return response.containers_size();
}

}  // namespace bench
