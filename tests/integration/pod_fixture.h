// Pods for lifecycle tests: a sandbox config with unique metadata and its
// own log directory, helpers to create, start and exec in containers, and a
// destructor that removes whatever the test made (through CRI, then through
// Docker by the pod's uid label, so a failing test leaves nothing behind).
#pragma once

#include <string>

#include "tests/integration/harness.h"

namespace itest {

struct ExecResult {
  grpc::Status status;
  std::string out, err;
  int exit_code = -1;
};

class Pod {
 public:
  // `name` may hold any characters CRI allows ('_' included).
  Pod(cri::RuntimeService::Stub& runtime, std::string name = "pod");
  ~Pod();

  cri::PodSandboxConfig& config() { return config_; }
  const std::string& log_directory() const { return log_directory_; }
  const std::string& id() const { return id_; }

  // RunPodSandbox with config(); REQUIREs success.
  std::string run();
  // RunPodSandbox with config(); returns the status (id() set on success).
  grpc::Status try_run(const std::string& runtime_handler = "");

  // A ContainerConfig for the test image running `shell_command` under sh.
  cri::ContainerConfig container_config(const std::string& name, const std::string& shell_command) const;
  grpc::Status try_create(const cri::ContainerConfig& config, std::string* id);
  std::string create(const cri::ContainerConfig& config);  // REQUIREs success
  void start(const std::string& container_id);              // REQUIREs success
  std::string create_and_start(const std::string& name, const std::string& shell_command);

  ExecResult exec(const std::string& container_id, const std::string& shell_command, int timeout_seconds = 30);
  cri::ContainerStatus status(const std::string& container_id);
  cri::PodSandboxStatus sandbox_status();
  // Polls ContainerStatus until EXITED (REQUIREs it within `seconds`).
  cri::ContainerStatus wait_exited(const std::string& container_id, int seconds = 30);

 private:
  cri::RuntimeService::Stub& runtime_;
  cri::PodSandboxConfig config_;
  std::string log_directory_;
  std::string id_;
};

// ExecSync of `shell_command` under /bin/sh -c in `container_id`.
ExecResult exec_sync(cri::RuntimeService::Stub& runtime, const std::string& container_id,
                     const std::string& shell_command, int timeout_seconds = 30);

// StopPodSandbox / RemovePodSandbox of `id`, the status as it came.
grpc::Status stop_sandbox(cri::RuntimeService::Stub& runtime, const std::string& id);
grpc::Status remove_sandbox(cri::RuntimeService::Stub& runtime, const std::string& id);

// Docker containers carrying label `key`=`value` (all states).
std::size_t docker_containers_with_label(const std::string& key, const std::string& value);

}  // namespace itest
