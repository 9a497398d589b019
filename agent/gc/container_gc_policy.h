// What container GC removes (kubelet's ContainerGC policy, kuberuntime_gc.go),
// as pure functions of what the runtime lists: no CRI call, no clock, no
// disk, so every rule is unit-tested on plain values. container_gc.h carries
// the decisions out.
//
// The rules, in kubelet's order:
// 1. Evictable containers: every container not running, created at least
//    `min_age` ago, grouped by (pod UID, container name) — an "evict unit".
//    One difference from kubelet: a container still CREATED counts only
//    once it is kCreatedGraceNs old. The agent starts a container right
//    after creating it; counting it at once would let a pass that falls
//    in between take that container's predecessor, its lastState.
// 2. Units of pods that are gone (and, with `evict_terminated`, of pods that
//    have finished) are removed whole, once every source has told its pods.
// 3. Each unit keeps its `max_per_container` newest (-1: no limit). The
//    default 1 is what keeps a container's lastState in the pod status.
// 4. Over `max_containers` in all (-1: no limit): each unit is cut to an
//    equal share (max_containers / units, at least 1), then the oldest of
//    all go until the total fits.
// 5. Sandboxes (after the containers went): one is "active" while ready or
//    while any container (in any state) still names it. A pod that is gone
//    loses every inactive sandbox; a live pod keeps its newest sandbox
//    whatever its state, and loses the older inactive ones.
// 6. Pod log directories (<ns>_<name>_<uid>) of pods that are gone go,
//    once every source has told its pods.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace agent::gc {

// How long a CREATED container is taken for one being started (see rule 1).
inline constexpr int64_t kCreatedGraceNs = 60'000'000'000;

struct ContainerGcPolicy {
  int64_t min_age_ns = 0;        // --minimum-container-ttl-duration
  int max_per_container = 1;     // --maximum-dead-containers-per-container; -1: no limit
  int max_containers = -1;       // --maximum-dead-containers; -1: no limit
};

// What the agent knows of a pod UID found in the runtime or on disk.
enum class PodPresence {
  Active,      // a source names it (running, pending, or being killed)
  Terminated,  // named, but finished for good: its runtime objects may go when asked (eviction)
  Gone,        // no source names it and no worker holds it: everything of it may go
};
using PresenceOf = std::function<PodPresence(const std::string& pod_uid)>;

enum class ContainerRunState { Created, Running, Exited, Unknown };

struct ContainerInfo {
  std::string id;
  std::string pod_uid;
  std::string name;           // the container's name in its pod
  std::string sandbox_id;
  ContainerRunState state = ContainerRunState::Unknown;
  int64_t created_at_ns = 0;
};

struct SandboxInfo {
  std::string id;
  std::string pod_uid;
  bool ready = false;
  int64_t created_at_ns = 0;
};

struct ContainerRemoval {
  std::string id;
  // The runtime does not know its state: kubelet stops it before removing
  // it, in case it still runs.
  bool stop_first = false;
};

struct GcConditions {
  int64_t now_ns = 0;
  bool all_sources_ready = false;  // before that, a pod not yet read looks gone
  bool evict_terminated = false;   // also remove everything of Terminated pods (the eviction manager's call)
};

// Rules 1 to 4: the containers to remove, oldest first within each rule.
std::vector<ContainerRemoval> containers_to_remove(const std::vector<ContainerInfo>& containers,
                                                   const ContainerGcPolicy& policy, const GcConditions& when,
                                                   const PresenceOf& presence);

// Rule 5, given the containers still there after rules 1 to 4 ran.
std::vector<std::string> sandboxes_to_remove(const std::vector<SandboxInfo>& sandboxes,
                                             const std::vector<ContainerInfo>& containers,
                                             const GcConditions& when, const PresenceOf& presence);

// Rule 6: of the entries of the pods' log root (directory names), those to
// remove. Names without '_' are not log directories (the agent keeps a pod's
// volumes under <uid>) and are never chosen.
std::vector<std::string> log_dirs_to_remove(const std::vector<std::string>& names, const GcConditions& when,
                                            const PresenceOf& presence);

// The pod UID of a log directory name <namespace>_<name>_<uid> ("" when
// the name has no '_'); namespaces and pod names cannot contain '_'.
std::string pod_uid_of_log_dir(const std::string& name);

}  // namespace agent::gc
