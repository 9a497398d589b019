// Each pod's usage from CRI ListContainerStats (cri-shim serves it from the
// containers' cgroups and writable layers), grouped by the pod UID label
// kubelet puts on every container.
#pragma once

#include "agent/eviction/pod_ranking.h"
#include "runtime/v1/api.h"

namespace agent::eviction {

// A container name seen twice (a dead attempt beside the running one)
// counts once, with its larger working set. Containers are sorted by name.
PodUsages pod_usages(const cri::ListContainerStatsResponse& stats);

}  // namespace agent::eviction
