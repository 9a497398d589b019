#include "tests/integration/pod_fixture.h"

#include <doctest/doctest.h>

#include <filesystem>
#include <thread>

namespace itest {

Pod::Pod(cri::RuntimeService::Stub& runtime, std::string name) : runtime_(runtime) {
  const std::string suffix = unique_suffix();
  auto* metadata = config_.mutable_metadata();
  metadata->set_name(name);
  metadata->set_namespace_("itest");
  metadata->set_uid("uid-" + suffix);
  metadata->set_attempt(0);
  config_.set_hostname("itest-host");
  log_directory_ = "/tmp/cri-shim-itest-logs/" + suffix;
  std::filesystem::create_directories(log_directory_);
  config_.set_log_directory(log_directory_);
  (*config_.mutable_labels())["itest"] = "lifecycle";
  (*config_.mutable_labels())["io.kubernetes.pod.uid"] = metadata->uid();
}

Pod::~Pod() {
  if (!id_.empty()) {
    cri::RemovePodSandboxRequest request;
    request.set_pod_sandbox_id(id_);
    cri::RemovePodSandboxResponse response;
    runtime_.RemovePodSandbox(context().get(), request, &response);
  }
  // A safety net: anything labelled with this pod's uid.
  docker::ContainerListOptions list;
  list.filters["label"] = {"io.kubernetes.pod.uid=" + config_.metadata().uid()};
  try {
    for (const auto& c : docker_client().list_containers(list))
      docker_client().remove_container(c.id, true, true);
  } catch (const std::exception&) {
  }
  std::error_code ignored;
  std::filesystem::remove_all(log_directory_, ignored);
}

grpc::Status Pod::try_run(const std::string& runtime_handler) {
  cri::RunPodSandboxRequest request;
  *request.mutable_config() = config_;
  request.set_runtime_handler(runtime_handler);
  cri::RunPodSandboxResponse response;
  auto status = runtime_.RunPodSandbox(context().get(), request, &response);
  if (status.ok()) id_ = response.pod_sandbox_id();
  return status;
}

std::string Pod::run() {
  auto status = try_run();
  REQUIRE_MESSAGE(status.ok(), status.error_message());
  return id_;
}

cri::ContainerConfig Pod::container_config(const std::string& name,
                                           const std::string& shell_command) const {
  cri::ContainerConfig config;
  config.mutable_metadata()->set_name(name);
  config.mutable_image()->set_image(required_env("CRI_SHIM_TEST_IMAGE"));
  config.add_command("/bin/sh");
  config.add_args("-c");
  config.add_args(shell_command);
  config.set_log_path(name + "/0.log");
  (*config.mutable_labels())["io.kubernetes.pod.uid"] = config_.metadata().uid();
  std::filesystem::create_directories(log_directory_ + "/" + name);
  return config;
}

grpc::Status Pod::try_create(const cri::ContainerConfig& config, std::string* id) {
  cri::CreateContainerRequest request;
  request.set_pod_sandbox_id(id_);
  *request.mutable_config() = config;
  *request.mutable_sandbox_config() = config_;
  cri::CreateContainerResponse response;
  auto status = runtime_.CreateContainer(context().get(), request, &response);
  if (status.ok() && id) *id = response.container_id();
  return status;
}

std::string Pod::create(const cri::ContainerConfig& config) {
  std::string id;
  auto status = try_create(config, &id);
  REQUIRE_MESSAGE(status.ok(), status.error_message());
  return id;
}

void Pod::start(const std::string& container_id) {
  cri::StartContainerRequest request;
  request.set_container_id(container_id);
  cri::StartContainerResponse response;
  auto status = runtime_.StartContainer(context().get(), request, &response);
  REQUIRE_MESSAGE(status.ok(), status.error_message());
}

std::string Pod::create_and_start(const std::string& name, const std::string& shell_command) {
  const std::string id = create(container_config(name, shell_command));
  start(id);
  return id;
}

ExecResult Pod::exec(const std::string& container_id, const std::string& shell_command,
                     int timeout_seconds) {
  return exec_sync(runtime_, container_id, shell_command, timeout_seconds);
}

ExecResult exec_sync(cri::RuntimeService::Stub& runtime, const std::string& container_id,
                     const std::string& shell_command, int timeout_seconds) {
  cri::ExecSyncRequest request;
  request.set_container_id(container_id);
  request.add_cmd("/bin/sh");
  request.add_cmd("-c");
  request.add_cmd(shell_command);
  request.set_timeout(timeout_seconds);
  cri::ExecSyncResponse response;
  ExecResult result;
  result.status = runtime.ExecSync(context().get(), request, &response);
  result.out = response.stdout();
  result.err = response.stderr();
  result.exit_code = response.exit_code();
  return result;
}

cri::ContainerStatus Pod::status(const std::string& container_id) {
  cri::ContainerStatusRequest request;
  request.set_container_id(container_id);
  cri::ContainerStatusResponse response;
  auto status = runtime_.ContainerStatus(context().get(), request, &response);
  REQUIRE_MESSAGE(status.ok(), status.error_message());
  return response.status();
}

cri::PodSandboxStatus Pod::sandbox_status() {
  cri::PodSandboxStatusRequest request;
  request.set_pod_sandbox_id(id_);
  cri::PodSandboxStatusResponse response;
  auto status = runtime_.PodSandboxStatus(context().get(), request, &response);
  REQUIRE_MESSAGE(status.ok(), status.error_message());
  return response.status();
}

cri::ContainerStatus Pod::wait_exited(const std::string& container_id, int seconds) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  while (true) {
    auto s = status(container_id);
    if (s.state() == cri::CONTAINER_EXITED) return s;
    REQUIRE_MESSAGE(std::chrono::steady_clock::now() < until, "container did not exit");
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

std::size_t docker_containers_with_label(const std::string& key, const std::string& value) {
  docker::ContainerListOptions list;
  list.filters["label"] = {key + "=" + value};
  return docker_client().list_containers(list).size();
}

grpc::Status stop_sandbox(cri::RuntimeService::Stub& runtime, const std::string& id) {
  cri::StopPodSandboxRequest request;
  request.set_pod_sandbox_id(id);
  cri::StopPodSandboxResponse response;
  return runtime.StopPodSandbox(context().get(), request, &response);
}

grpc::Status remove_sandbox(cri::RuntimeService::Stub& runtime, const std::string& id) {
  cri::RemovePodSandboxRequest request;
  request.set_pod_sandbox_id(id);
  cri::RemovePodSandboxResponse response;
  return runtime.RemovePodSandbox(context().get(), request, &response);
}

}  // namespace itest
