#include "agent/node/node_conditions.h"

#include <algorithm>

namespace agent::node {

namespace {

const cri::RuntimeCondition* find_condition(const cri::StatusResponse& status, const std::string& type) {
  for (const auto& c : status.status().conditions())
    if (c.type() == type) return &c;
  return nullptr;
}

NodeCondition make(const std::string& type, bool status, const char* reason, const std::string& message) {
  return NodeCondition{type, status ? "True" : "False", reason, message, 0, 0};
}

}  // namespace

std::string format_runtime_condition(const cri::RuntimeCondition* condition) {
  if (condition == nullptr) return "<nil>";
  return condition->type() + "=" + (condition->status() ? "true" : "false") + " reason:" + condition->reason() +
         " message:" + condition->message();
}

void apply_runtime_status(const cri::StatusResponse& status, RuntimeState& state) {
  state.status_checked = true;
  state.runtime_down = false;
  const auto* network = find_condition(status, "NetworkReady");
  state.network_error = network && network->status()
                            ? ""
                            : "container runtime network not ready: " + format_runtime_condition(network);
  const auto* runtime = find_condition(status, "RuntimeReady");
  state.runtime_error =
      runtime && runtime->status() ? "" : "container runtime not ready: " + format_runtime_condition(runtime);
}

std::vector<std::string> runtime_errors(const RuntimeState& state) {
  std::vector<std::string> errors;
  if (!state.status_checked) errors.push_back("container runtime status check may not have completed yet");
  else if (state.runtime_down) errors.push_back("container runtime is down");
  if (!state.pleg_error.empty()) errors.push_back(state.pleg_error);
  if (!state.runtime_error.empty()) errors.push_back(state.runtime_error);
  return errors;
}

std::vector<std::string> network_errors(const RuntimeState& state) {
  if (state.network_error.empty()) return {};
  return {state.network_error};
}

std::string aggregate(const std::vector<std::string>& errors) {
  std::vector<std::string> seen;
  for (const auto& e : errors)
    if (std::find(seen.begin(), seen.end(), e) == seen.end()) seen.push_back(e);
  if (seen.empty()) return "";
  if (seen.size() == 1) return seen.front();
  std::string out = "[";
  for (size_t i = 0; i < seen.size(); ++i) out += (i ? ", " : "") + seen[i];
  return out + "]";
}

std::string not_ready_message(const RuntimeState& state) {
  auto errors = runtime_errors(state);
  for (auto& e : network_errors(state)) errors.push_back(std::move(e));
  return aggregate(errors);
}

std::optional<std::string> pod_start_blocker(const RuntimeState& state, bool host_network) {
  if (auto errors = runtime_errors(state); !errors.empty()) return aggregate(errors);
  if (auto errors = network_errors(state); !errors.empty() && !host_network)
    return "network is not ready: " + aggregate(errors);
  return std::nullopt;
}

std::vector<NodeCondition> update_conditions(const std::vector<NodeCondition>& previous, const NodePressure& pressure,
                                             const std::string& not_ready, int64_t now_ns) {
  std::vector<NodeCondition> next;
  next.push_back(pressure.memory
                     ? make("MemoryPressure", true, "KubeletHasInsufficientMemory", "kubelet has insufficient memory available")
                     : make("MemoryPressure", false, "KubeletHasSufficientMemory", "kubelet has sufficient memory available"));
  next.push_back(pressure.disk ? make("DiskPressure", true, "KubeletHasDiskPressure", "kubelet has disk pressure")
                               : make("DiskPressure", false, "KubeletHasNoDiskPressure", "kubelet has no disk pressure"));
  next.push_back(pressure.pid
                     ? make("PIDPressure", true, "KubeletHasInsufficientPID", "kubelet has insufficient PID available")
                     : make("PIDPressure", false, "KubeletHasSufficientPID", "kubelet has sufficient PID available"));
  next.push_back(not_ready.empty() ? make("Ready", true, "KubeletReady", "kubelet is posting ready status")
                                   : make("Ready", false, "KubeletNotReady", not_ready));
  for (auto& c : next) {
    c.last_heartbeat_ns = now_ns;
    c.last_transition_ns = now_ns;
    for (const auto& p : previous)
      if (p.type == c.type && p.status == c.status) c.last_transition_ns = p.last_transition_ns;
  }
  return next;
}

}  // namespace agent::node
