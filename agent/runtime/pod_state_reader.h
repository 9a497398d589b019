// Reads a pod's PodRuntimeState through CRI (kubelet's GetPodStatus):
// ListPodSandbox and ListContainers filtered by the pod's UID label (and the
// agent's managed label), PodSandboxStatus for the newest ready sandbox's
// IPs, ContainerStatus for each container. An exited container's status
// never changes, so it is kept in memory and asked once.
//
// The termination message: when the runtime reports none, the file the
// agent bind-mounted at terminationMessagePath is read (at most 4 KiB, as
// kubelet).
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "agent/runtime/cri_configs.h"
#include "agent/runtime/pod_runtime_state.h"

namespace agent::remote {
class CriClient;
}

namespace agent::runtime {

class PodStateReader {
 public:
  // Only objects labelled with `node_name` (runtime_labels.h) are read.
  PodStateReader(remote::CriClient& cri, AgentPaths paths, std::string node_name)
      : cri_(cri), paths_(std::move(paths)), node_name_(std::move(node_name)) {}

  // Fills `out` for the pod with `uid`; a failing CRI call is returned as is.
  grpc::Status read(const std::string& uid, PodRuntimeState& out);
  // Every managed pod UID the runtime holds (sandboxes or containers).
  grpc::Status list_pod_uids(std::vector<std::string>& out);
  // Forgets the cached statuses of a pod's containers.
  void forget_pod(const std::string& uid);

 private:
  grpc::Status read_container(const std::string& id, const PodRuntimeState& pod, ContainerState& out);

  remote::CriClient& cri_;
  AgentPaths paths_;
  std::string node_name_;
  std::mutex mutex_;
  // Exited containers' statuses, by pod UID then container ID; a pod's
  // entries that its list no longer shows are dropped at each read.
  std::map<std::string, std::map<std::string, ContainerState>> exited_;
};

// Reads at most 4096 bytes of `path`; "" when it is missing.
std::string read_termination_message(const std::string& path);

}  // namespace agent::runtime
