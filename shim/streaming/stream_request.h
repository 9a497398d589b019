// What a streaming URL stands for: the CRI request that made it, kept by
// the token cache until a client comes for it.
#pragma once

#include <variant>

#include "shim/streaming/port_forward.h"
#include "shim/streaming/remote_command.h"

namespace shim::streaming {

using StreamRequest = std::variant<ExecRequest, AttachRequest, PortForwardRequest>;

// The URL path segment of each kind: /exec/<token>, /attach/<token>,
// /portforward/<token>, as kubelet's streaming server names them.
inline const char* path_segment(const StreamRequest& request) {
  switch (request.index()) {
    case 0: return "exec";
    case 1: return "attach";
    default: return "portforward";
  }
}

}  // namespace shim::streaming
