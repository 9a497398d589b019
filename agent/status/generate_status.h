// Computes a pod's API status from its spec, what the runtime holds for it,
// and what the last sync learned (kubelet's generateAPIPodStatus,
// convertToAPIContainerStatuses, getPhase, and the condition generators).
// Pure: the time of "now" comes in, so every rule is unit-tested.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "agent/pod/pod_spec.h"
#include "agent/pod/probe_parser.h"
#include "agent/runtime/pod_runtime_state.h"
#include "agent/runtime/sync_result.h"
#include "agent/status/pod_status.h"

namespace agent::status {

// Whether a container's probe of `kind` has counted a success, by the
// container's runtime ID (prober/prober_manager.h answers it).
using ProbeSucceeded = std::function<bool(pod::ProbeKind kind, const std::string& container_id)>;

// `runtime_name` prefixes container IDs ("docker" -> "docker://<id>"), from
// CRI Version's runtime_name. A container with a startup probe has not
// started, and one with a readiness probe is not ready, until `probes` says
// that probe succeeded (none given: not yet).
PodStatus generate_pod_status(const pod::Pod& pod, const runtime::PodRuntimeState& state,
                              const runtime::SyncResult& last_sync, const std::string& runtime_name,
                              const std::string& host_ip, int64_t now, const ProbeSucceeded& probes = {});

// Guaranteed / Burstable / BestEffort from requests and limits.
std::string qos_class(const pod::PodSpec& spec);

}  // namespace agent::status
