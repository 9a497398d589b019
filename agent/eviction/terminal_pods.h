// Pods that must never run again while the agent holds them: those the
// eviction manager evicted and those its admission refused (kubelet's
// evicted pods are terminal: phase Failed, reason Evicted). The pod
// workers' sync consults it: a marked pod is killed (once, with its
// grace) and reported Failed instead of being brought to its spec.
//
// A pod leaves the set when the agent forgets it (its source dropped it,
// or an edited static manifest gave it a new UID): a new pod runs anew.
//
// Given a file (the agent's <root-dir>/terminal-pods.json), the set is
// read from it at construction and the file is replaced, durably, on every
// change (terminal_pods_file.h), so the set outlives the agent: a pod
// evicted before a kill -9 is still terminal after the restart. A change
// that cannot be written is logged and still holds in memory.
// Thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "agent/status/pod_status.h"

namespace agent::eviction {

struct TerminalPod {
  std::string reason;          // "Evicted"
  std::string message;         // kubelet's
  int64_t grace_seconds = 0;   // for the kill
  bool killed = false;         // its containers and sandbox are stopped
};

class TerminalPods {
 public:
  // Kept in memory only.
  TerminalPods() = default;
  // Kept in `path` too; what it holds is loaded now.
  explicit TerminalPods(std::string path);

  // The first mark of a uid wins (an eviction is not re-explained); false
  // when it was already marked.
  bool mark(const std::string& uid, TerminalPod pod);
  std::optional<TerminalPod> get(const std::string& uid) const;
  void set_killed(const std::string& uid);
  // Marked and killed (kubelet's podCleanedUpFunc, for the manager's wait).
  bool killed(const std::string& uid) const;
  void forget(const std::string& uid);
  // Forgets every pod `keep` does not name (pods the agent no longer has:
  // a manifest removed while it was down); returns their UIDs. Called only
  // once every source has been read, or a pod not read yet would go.
  std::vector<std::string> forget_unless(const std::function<bool(const std::string& uid)>& keep);
  std::size_t size() const;

 private:
  void save_locked() const;

  mutable std::mutex mutex_;
  std::string path_;  // "" for memory only
  std::map<std::string, TerminalPod> pods_;
};

// A terminal pod's status as kubelet reports an evicted one: phase Failed,
// its reason and message, and the DisruptionTarget condition
// (TerminationByKubelet) of kubelet's PodDisruptionConditions.
void apply_terminal(status::PodStatus& status, const TerminalPod& pod, int64_t now);

}  // namespace agent::eviction
