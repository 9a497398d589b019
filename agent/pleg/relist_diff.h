// The heart of the relisting PLEG, kept pure so every rule is unit-tested:
// two snapshots of what the runtime holds, compared into lifecycle events
// (kubelet's GenericPLEG.relist / generateEvents).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "agent/pleg/pleg.h"

namespace agent::pleg {

// What the PLEG distinguishes. A CRI container that is Created but not yet
// started counts as Unknown, as in kubelet; a sandbox is Running when ready,
// Exited otherwise. Absent from a snapshot = does not exist.
enum class EntityState { Running, Exited, Unknown };

struct Entity {
  std::string pod_uid;
  EntityState state = EntityState::Unknown;
  bool operator==(const Entity&) const = default;
};

struct Snapshot {
  std::map<std::string, Entity> sandboxes;   // by sandbox ID
  std::map<std::string, Entity> containers;  // by container ID
};

// Events for every change from `before` to `after`, sandboxes first, each
// group in ID order:
// - a sandbox that appears, changes state or disappears: SandboxChanged;
// - a container that becomes Running: ContainerStarted; Exited:
//   ContainerDied; Unknown: ContainerChanged; that disappears:
//   ContainerRemoved, preceded by ContainerDied unless it was last seen
//   Exited (its death was already told).
std::vector<PodLifecycleEvent> relist_diff(const Snapshot& before, const Snapshot& after);

}  // namespace agent::pleg
