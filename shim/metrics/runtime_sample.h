// The runtime's own counts as metrics, read at each scrape from
// RuntimeService::load(): the container store (live, objects, Docker event
// connections and reconnects), the log copy (followers, lost messages,
// failed writes, broken streams) and the streaming server (connections,
// sessions, sessions started by kind).
#pragma once

#include "common/metrics_registry.h"
#include "shim/runtime/runtime_service.h"

namespace shim {

void sample_runtime_metrics(common::metrics::Registry& registry, const RuntimeService::Load& load);

}  // namespace shim
