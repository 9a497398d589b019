#include "agent/eviction/terminal_pods.h"

#include <spdlog/spdlog.h>

#include "agent/eviction/terminal_pods_file.h"

namespace agent::eviction {

TerminalPods::TerminalPods(std::string path) : path_(std::move(path)), pods_(load_terminal_pods(path_)) {
  if (!pods_.empty())
    spdlog::info("eviction: {} pod(s) evicted or refused before this start stay terminal ({})", pods_.size(), path_);
}

bool TerminalPods::mark(const std::string& uid, TerminalPod pod) {
  std::lock_guard lock(mutex_);
  if (!pods_.emplace(uid, std::move(pod)).second) return false;
  save_locked();
  return true;
}

std::optional<TerminalPod> TerminalPods::get(const std::string& uid) const {
  std::lock_guard lock(mutex_);
  const auto it = pods_.find(uid);
  if (it == pods_.end()) return std::nullopt;
  return it->second;
}

void TerminalPods::set_killed(const std::string& uid) {
  std::lock_guard lock(mutex_);
  const auto it = pods_.find(uid);
  if (it == pods_.end() || it->second.killed) return;
  it->second.killed = true;
  save_locked();
}

bool TerminalPods::killed(const std::string& uid) const {
  std::lock_guard lock(mutex_);
  const auto it = pods_.find(uid);
  return it != pods_.end() && it->second.killed;
}

void TerminalPods::forget(const std::string& uid) {
  std::lock_guard lock(mutex_);
  if (pods_.erase(uid)) save_locked();
}

std::vector<std::string> TerminalPods::forget_unless(const std::function<bool(const std::string& uid)>& keep) {
  // `keep` asks other managers (their own locks): never under ours.
  std::vector<std::string> uids;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [uid, pod] : pods_) uids.push_back(uid);
  }
  std::vector<std::string> forgotten;
  for (const auto& uid : uids)
    if (!keep(uid)) forgotten.push_back(uid);
  if (forgotten.empty()) return forgotten;
  std::lock_guard lock(mutex_);
  for (const auto& uid : forgotten) pods_.erase(uid);
  save_locked();
  return forgotten;
}

std::size_t TerminalPods::size() const {
  std::lock_guard lock(mutex_);
  return pods_.size();
}

// Under the lock, so that the file's versions follow the changes' order.
void TerminalPods::save_locked() const {
  if (path_.empty()) return;
  try {
    save_terminal_pods(path_, pods_);
  } catch (const std::exception& e) {
    spdlog::error("eviction: cannot keep the evicted and refused pods in {}: {}; a restart may run them again",
                  path_, e.what());
  }
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
