// Computes a pod's API status from its spec, what the runtime holds for it,
// and what the last sync learned (kubelet's generateAPIPodStatus,
// convertToAPIContainerStatuses, getPhase, and the condition generators).
// Pure: the time of "now" comes in, so every rule is unit-tested.
#pragma once

#include <cstdint>
#include <string>

#include "agent/pod/pod_spec.h"
#include "agent/runtime/pod_runtime_state.h"
#include "agent/runtime/sync_result.h"
#include "agent/status/pod_status.h"

namespace agent::status {

// `runtime_name` prefixes container IDs ("docker" -> "docker://<id>"), from
// CRI Version's runtime_name.
PodStatus generate_pod_status(const pod::Pod& pod, const runtime::PodRuntimeState& state,
                              const runtime::SyncResult& last_sync, const std::string& runtime_name,
                              const std::string& host_ip, int64_t now);

// Guaranteed / Burstable / BestEffort from requests and limits.
std::string qos_class(const pod::PodSpec& spec);

}  // namespace agent::status
