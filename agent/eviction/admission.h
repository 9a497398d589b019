// kubelet's eviction admit handler: while the node is under pressure, a
// new pod is refused (phase Failed, reason Evicted, "The node had
// condition: [MemoryPressure]. ") unless it is critical, or the only
// pressure is memory and the pod is not BestEffort. (Tolerations of the
// memory-pressure taint are not modelled: node-agent's pods have none.)
#pragma once

#include <optional>
#include <string>

#include "agent/eviction/node_pressure.h"
#include "agent/pod/pod_spec.h"

namespace agent::eviction {

// The refusal message, or nullopt to admit.
std::optional<std::string> admission_refusal(const pod::Pod& pod, const NodePressure& pressure);

// No container (init ones included) requests or limits cpu or memory.
bool is_best_effort(const pod::Pod& pod);

}  // namespace agent::eviction
