// The words kubelet uses for an eviction (pkg/kubelet/eviction/helpers.go),
// and Kubernetes' canonical quantity text they quote.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "agent/eviction/node_pressure.h"
#include "agent/eviction/pod_ranking.h"
#include "agent/eviction/thresholds.h"

namespace agent::eviction {

// The reason of an evicted (or eviction-rejected) pod's status and event.
inline constexpr char kEvictedReason[] = "Evicted";

// resource.Quantity's canonical text of a binary-SI amount: "5Ki", "1Gi",
// "100Mi"; not a multiple of 1024, or below 1024, plain ("1536", "512").
std::string format_binary_quantity(int64_t value);
// ... of a decimal-SI amount (inode and pid counts): "1k", "1500k", "123".
std::string format_decimal_quantity(int64_t value);

// The resource a signal starves: "memory", "ephemeral-storage", "inodes", "pids".
std::string resource_of(Signal signal);

// kubelet's evictionMessage: "The node was low on resource: memory.
// Threshold quantity: 100Mi, available: 5Ki. Container x was using 1Gi,
// request is 0, has larger consumption of memory. " (each sentence ends
// with a space, as kubelet's). `threshold_quantity` and `available` are
// left out when unknown; a container is named when its usage exceeds its
// request of the resource (memory: its working set; ephemeral-storage: its
// writable layer plus its logs, when both are known).
std::string eviction_message(Signal signal, std::optional<int64_t> threshold_quantity,
                             std::optional<int64_t> available, const pod::Pod& pod, const PodUsage* usage);

// kubelet's admission refusal: "The node had condition: [MemoryPressure]. "
std::string node_condition_message(const NodePressure& pressure);

}  // namespace agent::eviction
