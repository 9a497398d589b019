// The node's conditions as kubelet's nodestatus setters write them, and the
// runtime state behind Ready (kubelet's runtimeState). Pure.
//
// Ready is False with reason KubeletNotReady and, as message, every
// problem in kubelet's words, joined as its error aggregate joins them
// (one: the message alone; several: "[a, b]"):
//   "container runtime status check may not have completed yet"
//   "container runtime is down"                    (no Status answer lately)
//   "container runtime not ready: RuntimeReady=false reason:R message:M"
//   "container runtime network not ready: NetworkReady=false reason:R message:M"
//   "PLEG is not healthy: ..."
// and True ("KubeletReady", "kubelet is posting ready status") otherwise.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "runtime/v1/api.h"

namespace agent::node {

struct RuntimeState {
  bool status_checked = false;  // a CRI Status call has answered once
  bool runtime_down = false;    // ... but none lately
  std::string runtime_error;    // "container runtime not ready: ..." or ""
  std::string network_error;    // "container runtime network not ready: ..." or ""
  std::string pleg_error;       // "PLEG is not healthy: ..." or ""
};

// kubelet's RuntimeCondition String(): "RuntimeReady=false reason:R message:M";
// "<nil>" when the runtime did not report the condition.
std::string format_runtime_condition(const cri::RuntimeCondition* condition);

// Sets status_checked, clears runtime_down and sets the runtime and network
// errors from a CRI Status answer (a missing condition counts as false).
void apply_runtime_status(const cri::StatusResponse& status, RuntimeState& state);

// The errors that stop every pod (kubelet's runtimeErrors()), and those that
// stop pods off the host network (networkErrors()).
std::vector<std::string> runtime_errors(const RuntimeState& state);
std::vector<std::string> network_errors(const RuntimeState& state);

// kubelet's utilerrors aggregate of `errors` (duplicates dropped): "" for none.
std::string aggregate(const std::vector<std::string>& errors);

// Why the Ready condition is False; "" when Ready.
std::string not_ready_message(const RuntimeState& state);

// Why a pod may not start now (kubelet's syncLoop and syncPod gates):
// runtime errors stop every pod; network errors stop the pods that are not
// on the host network ("network is not ready: ..."). nullopt: it may start.
std::optional<std::string> pod_start_blocker(const RuntimeState& state, bool host_network);

// The pressure the eviction manager sees (eviction/ sets it; all false
// until it does).
struct NodePressure {
  bool memory = false;
  bool disk = false;
  bool pid = false;
  bool operator==(const NodePressure&) const = default;
};

struct NodeCondition {
  std::string type;    // MemoryPressure | DiskPressure | PIDPressure | Ready
  std::string status;  // "True" | "False"
  std::string reason;
  std::string message;
  int64_t last_heartbeat_ns = 0;
  int64_t last_transition_ns = 0;
};

// The four conditions in kubelet's order (MemoryPressure, DiskPressure,
// PIDPressure, Ready), heartbeat `now_ns`; a condition keeps its
// lastTransitionTime from `previous` while its status stays the same.
std::vector<NodeCondition> update_conditions(const std::vector<NodeCondition>& previous, const NodePressure& pressure,
                                             const std::string& not_ready, int64_t now_ns);

}  // namespace agent::node
