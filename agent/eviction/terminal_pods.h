// Pods that must never run again while the agent holds them: those the
// eviction manager evicted and those its admission refused (kubelet's
// evicted pods are terminal: phase Failed, reason Evicted). The pod
// workers' sync consults it: a marked pod is killed (once, with its
// grace) and reported Failed instead of being brought to its spec.
//
// A pod leaves the set when the agent forgets it (its source dropped it,
// or an edited static manifest gave it a new UID): a new pod runs anew.
// Thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>

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
  // The first mark of a uid wins (an eviction is not re-explained); false
  // when it was already marked.
  bool mark(const std::string& uid, TerminalPod pod);
  std::optional<TerminalPod> get(const std::string& uid) const;
  void set_killed(const std::string& uid);
  // Marked and killed (kubelet's podCleanedUpFunc, for the manager's wait).
  bool killed(const std::string& uid) const;
  void forget(const std::string& uid);

 private:
  mutable std::mutex mutex_;
  std::map<std::string, TerminalPod> pods_;
};

// A terminal pod's status as kubelet reports an evicted one: phase Failed,
// its reason and message, and the DisruptionTarget condition
// (TerminationByKubelet) of kubelet's PodDisruptionConditions.
void apply_terminal(status::PodStatus& status, const TerminalPod& pod, int64_t now);

}  // namespace agent::eviction
