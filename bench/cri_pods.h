// Pods through CRI, for the lifecycle benchmark: the configs kubelet would
// send for a one-container pod (metadata, log directory, a busybox container
// that sleeps), and one method per RPC, each throwing on failure.
#pragma once

#include <string>

#include "runtime/v1/api.h"

namespace bench {

class CriPods {
 public:
  // Pods are named bench-<n> in namespace "bench" with uid <run>-<n>; their
  // logs go under <log_root>/<uid>/.
  CriPods(cri::RuntimeService::Stub& runtime, std::string run, std::string log_root,
          std::string image);

  cri::PodSandboxConfig sandbox_config(int n) const;
  cri::ContainerConfig container_config() const;

  std::string run_pod_sandbox(const cri::PodSandboxConfig& config);
  std::string create_container(const std::string& sandbox_id, const cri::PodSandboxConfig& config);
  void start_container(const std::string& id);
  void stop_container(const std::string& id, std::int64_t timeout);
  cri::ContainerStatusResponse container_status(const std::string& id);
  void remove_container(const std::string& id);
  void stop_pod_sandbox(const std::string& id);
  void remove_pod_sandbox(const std::string& id);
  int list_pod_sandbox();  // returns the count
  int list_containers();

 private:
  cri::RuntimeService::Stub& runtime_;
  const std::string run_, log_root_, image_;
};

}  // namespace bench
