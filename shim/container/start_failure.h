// A container whose start Docker could not carry out (its command does not
// exist, a mount or device is refused, ...). Docker 20.10 leaves it in state
// "created" with ExitCode 127 (command not found or not executable) or 128
// (any other start error), State.Error set to the runtime's message, and
// StartedAt/FinishedAt at the zero time; it sends no container event for the
// failed start (only the bridge network's connect and disconnect).
//
// CRI reports such a container as EXITED, as dockershim and cri-dockerd's
// ContainerStatus do ("failed to start: zero finishedAt but non-zero exit
// code"): reason ContainerCannotRun, the message Docker's error, the exit
// code, and started_at = finished_at = created_at. Kubelet then counts it as
// a run that ended and restarts it under its crash-loop back-off, instead of
// starting the same CREATED container again and again.
#pragma once

#include <string_view>

#include "docker-client/types.h"

namespace shim {

inline constexpr std::string_view kContainerCannotRun = "ContainerCannotRun";

// True when Docker shows a container that never ran because its start
// failed: state "created" with a non-zero exit code (a container not yet
// started has exit code 0).
bool failed_to_start(const docker::ContainerState& state);

}  // namespace shim
