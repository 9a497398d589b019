// The pure rules of GetContainerEvents: which CRI events a container is
// owed, given what the shim last reported about it and what Docker shows
// now. The event source (container_event_source.h) treats every Docker
// event only as a hint to look again; the events it sends are the
// difference between the two states. That is what makes a replayed or
// repeated Docker event harmless (no duplicate), and a resynchronisation
// after a broken connection exact (every missed step, in order).
//
// A CRI container goes created -> running -> exited -> deleted; Docker may
// also start an exited container again (`docker start`, a restart policy),
// which shows as a newer StartedAt and is owed STOPPED/STARTED as needed.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/v1/api.h"

namespace shim::events {

enum class Phase { kCreated, kRunning, kExited };

// What the shim knows about one container at one moment.
struct ContainerPhase {
  Phase phase = Phase::kCreated;
  // Docker's StartedAt, "" when the container never started (or unknown:
  // then a restart cannot be told from the same run).
  std::string started_at;
};

// Docker's state ("created", "running", "paused", "restarting", "exited",
// "dead") as a phase; nullopt for states that say nothing yet ("removing",
// anything unknown): the container is looked at again on its next event.
std::optional<Phase> phase_of_docker_state(std::string_view docker_state);

// Docker's StartedAt as kept in ContainerPhase: "" for its zero time.
std::string started_at_of(std::string_view docker_started_at);

// The container actions that may change a container's CRI state (and so
// are worth looking again for), with the CRI event each one usually means:
// create -> CREATED, start/restart -> STARTED, die -> STOPPED,
// destroy -> DELETED. Others (exec_*, attach, kill, stop, pause, oom,
// rename, ...) give nullopt: a kill or stop that ends the container is
// followed by die, and pause does not change the CRI state.
std::optional<cri::ContainerEventType> cri_event_for_docker_action(std::string_view action);

// The events owed to a container whose last reported state is `reported`
// (nullopt: never reported) and which Docker now shows as `now` (nullopt:
// it is gone), in the order they happened.
std::vector<cri::ContainerEventType> owed_events(const std::optional<ContainerPhase>& reported,
                                                 const std::optional<ContainerPhase>& now);

// The events owed for Docker event `action` on a container that can no
// longer be inspected (removed meanwhile: the watch runs behind Docker),
// so only the action says where it was: create -> created, start/restart
// -> running, die -> exited, destroy -> gone. Only forward steps count
// (created -> running -> exited -> gone): an action older than what was
// reported adds nothing, and a destroy of a container never reported is
// nothing to say.
std::vector<cri::ContainerEventType> owed_events_for_action(
    const std::optional<ContainerPhase>& reported, std::string_view action);

// A resynchronisation against a full container list: for every container
// reported or present, the events it is owed. Containers are keyed by ID;
// the result lists, per ID (in ID order), the non-empty event lists.
struct OwedEvents {
  std::string id;
  std::vector<cri::ContainerEventType> events;
};
std::vector<OwedEvents> resync_diff(const std::map<std::string, ContainerPhase>& reported,
                                    const std::map<std::string, ContainerPhase>& present);

}  // namespace shim::events
