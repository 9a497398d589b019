// A pod's status in the Kubernetes v1 API's shape (core/v1 PodStatus), as
// the agent reports it on GET /pods. Times are Unix seconds (0 = unset),
// rendered as RFC 3339 in JSON.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace agent::status {

struct ContainerStateWaiting {
  std::string reason;   // ContainerCreating, PodInitializing, CrashLoopBackOff, ErrImagePull, ...
  std::string message;
};
struct ContainerStateRunning {
  int64_t started_at = 0;
};
struct ContainerStateTerminated {
  int32_t exit_code = 0;
  int32_t signal = 0;
  std::string reason;   // Completed, Error, OOMKilled
  std::string message;  // the termination message
  int64_t started_at = 0;
  int64_t finished_at = 0;
  std::string container_id;
};
// Exactly one set, or none (an empty lastState).
struct ContainerState {
  std::optional<ContainerStateWaiting> waiting;
  std::optional<ContainerStateRunning> running;
  std::optional<ContainerStateTerminated> terminated;
  bool empty() const { return !waiting && !running && !terminated; }
};

struct ContainerStatus {
  std::string name;
  ContainerState state;
  ContainerState last_state;
  bool ready = false;
  int32_t restart_count = 0;
  std::string image;
  std::string image_id;
  std::string container_id;  // "<runtime>://<id>", e.g. "docker://..." as kubelet writes it
  std::optional<bool> started;
};

struct PodCondition {
  std::string type;     // PodScheduled, Initialized, ContainersReady, Ready
  std::string status;   // "True" | "False"
  std::string reason;
  std::string message;
  int64_t last_transition_time = 0;
};

struct PodStatus {
  std::string phase = "Pending";  // Pending, Running, Succeeded, Failed, Unknown
  std::vector<PodCondition> conditions;
  std::string message;
  std::string reason;
  std::string host_ip;
  std::string pod_ip;
  std::vector<std::string> pod_ips;
  int64_t start_time = 0;
  std::vector<ContainerStatus> init_container_statuses;
  std::vector<ContainerStatus> container_statuses;
  std::string qos_class;  // Guaranteed, Burstable, BestEffort
};

}  // namespace agent::status
