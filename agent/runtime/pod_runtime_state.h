// What the runtime holds for one pod, read back through CRI alone (kubelet's
// kubecontainer.PodStatus): its sandboxes and containers, newest first.
// Everything the agent needs after a restart is here, read from the labels
// and annotations of runtime_labels.h, so adopting a running pod needs no
// state file.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace agent::runtime {

struct SandboxState {
  std::string id;
  uint32_t attempt = 0;
  bool ready = false;                   // SANDBOX_READY
  std::string ip;                       // "" for a stopped sandbox or none given
  std::vector<std::string> additional_ips;
  int64_t created_at_ns = 0;
};

enum class ContainerPhase { Created, Running, Exited, Unknown };

struct ContainerState {
  std::string id;
  std::string name;                     // the Pod spec's container name
  std::string sandbox_id;
  uint32_t attempt = 0;                 // CRI metadata attempt
  uint32_t restart_count = 0;           // annotation io.kubernetes.container.restartCount
  std::string hash;                     // annotation io.kubernetes.container.hash
  bool init = false;                    // annotation io.node-agent.container.type == "init"
  int64_t grace_seconds = -1;           // annotation io.kubernetes.pod.terminationGracePeriod (-1: none)
  ContainerPhase phase = ContainerPhase::Unknown;
  int32_t exit_code = 0;
  std::string reason;                   // CRI's reason ("Completed", "Error", "OOMKilled")
  std::string message;                  // the termination message, when read back
  int64_t created_at_ns = 0;
  int64_t started_at_ns = 0;
  int64_t finished_at_ns = 0;
  std::string image;                    // as the spec named it
  std::string image_ref;                // the runtime's image ID / digest
};

struct PodRuntimeState {
  std::string uid, name, namespace_;
  std::vector<SandboxState> sandboxes;      // newest first
  std::vector<ContainerState> containers;   // newest first (created_at)

  // The newest sandbox, or nullptr.
  const SandboxState* latest_sandbox() const {
    return sandboxes.empty() ? nullptr : &sandboxes.front();
  }
  // The newest container named `name` (of any sandbox), or nullptr.
  const ContainerState* latest_container(const std::string& name) const {
    for (const auto& c : containers)
      if (c.name == name) return &c;
    return nullptr;
  }
  // The newest container named `name` before `newest` (its lastState), or nullptr.
  const ContainerState* previous_container(const std::string& name) const {
    bool seen = false;
    for (const auto& c : containers)
      if (c.name == name) {
        if (seen) return &c;
        seen = true;
      }
    return nullptr;
  }
};

}  // namespace agent::runtime
