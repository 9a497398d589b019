// One CRI GetContainerEvents message as a PodLifecycleEvent (what the
// evented PLEG emits). Pure, so the mapping is unit-tested.
#pragma once

#include <optional>

#include "agent/pleg/pleg.h"
#include "runtime/v1/api.h"

namespace agent::pleg {

// CREATED -> ContainerChanged, STARTED -> ContainerStarted, STOPPED ->
// ContainerDied, DELETED -> ContainerRemoved; an event about the sandbox
// itself (its ID is the sandbox's) -> SandboxChanged.
// nullopt when the event is not about a node-agent pod: neither the sandbox
// status nor the container's status in the event carries
// io.node-agent.managed=true (the relist catches what this drops).
std::optional<PodLifecycleEvent> event_from_cri(const cri::ContainerEventResponse& event);

}  // namespace agent::pleg
