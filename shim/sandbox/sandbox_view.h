// A sandbox as CRI reports it, read from its Docker container's inspect (a
// record of the container store): the full status and the list entry.
// Metadata comes from labels (labels.h), so these work for sandboxes that
// cri-dockerd made too.
#pragma once

#include "docker-client/types.h"
#include "runtime/v1/api.h"

namespace shim {

// READY while the pause container runs, NOTREADY otherwise (also while
// Docker restarts it or removes it).
cri::PodSandboxState sandbox_state(const docker::ContainerState& state);

// Fills status from the sandbox's inspect. Throws CriError INTERNAL when the
// container carries no recoverable metadata (not a pod of any CRI runtime).
void fill_sandbox_status(const docker::ContainerInspect& inspect, cri::PodSandboxStatus* status);

// The list entry; false (and `out` untouched) for containers whose
// metadata cannot be read. Agrees with fill_sandbox_status.
bool fill_pod_sandbox(const docker::ContainerInspect& inspect, cri::PodSandbox* out);

}  // namespace shim
