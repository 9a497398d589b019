// The forms node-agent's --runtime-endpoint takes (common/endpoint.h), as
// kubelet's --container-runtime-endpoint: unix:///path, /path,
// tcp://host:port, and host:port (gRPC's own form). Read by the flag (so a
// bad endpoint is refused at start) and by the CRI client.
#pragma once

#include "common/endpoint.h"

namespace agent::remote {

inline constexpr common::EndpointForms kRuntimeEndpointForms{
    .what = "runtime endpoint", .bare_path = true, .bare_host_port = true};

}  // namespace agent::remote
