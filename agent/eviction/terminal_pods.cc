#include "agent/eviction/terminal_pods.h"

namespace agent::eviction {

bool TerminalPods::mark(const std::string& uid, TerminalPod pod) {
  std::lock_guard lock(mutex_);
  return pods_.emplace(uid, std::move(pod)).second;
}

std::optional<TerminalPod> TerminalPods::get(const std::string& uid) const {
  std::lock_guard lock(mutex_);
  const auto it = pods_.find(uid);
  if (it == pods_.end()) return std::nullopt;
  return it->second;
}

void TerminalPods::set_killed(const std::string& uid) {
  std::lock_guard lock(mutex_);
  if (const auto it = pods_.find(uid); it != pods_.end()) it->second.killed = true;
}

bool TerminalPods::killed(const std::string& uid) const {
  std::lock_guard lock(mutex_);
  const auto it = pods_.find(uid);
  return it != pods_.end() && it->second.killed;
}

void TerminalPods::forget(const std::string& uid) {
  std::lock_guard lock(mutex_);
  pods_.erase(uid);
}

void apply_terminal(status::PodStatus& status, const TerminalPod& pod, int64_t now) {
  status.phase = "Failed";
  status.reason = pod.reason;
  status.message = pod.message;
  for (auto& c : status.conditions)
    if (c.type == "DisruptionTarget") return;
  status.conditions.push_back({"DisruptionTarget", "True", "TerminationByKubelet", pod.message, now});
}

}  // namespace agent::eviction
