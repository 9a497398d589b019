// What a streaming URL stands for: the CRI request that made it, kept by
// the token cache until a client comes for it.
#pragma once

#include <variant>

#include "shim/streaming/pod_port_forwarder.h"
#include "shim/streaming/exec_attach_runner.h"

namespace shim::streaming {

using StreamRequest = std::variant<ExecRequest, AttachRequest, PortForwardRequest>;

// Which streams an exec or attach asked for (a port-forward: none).
struct StreamFlags {
  bool stdin_ = false, stdout_ = false, stderr_ = false, tty = false;
};
inline StreamFlags stream_flags(const StreamRequest& request) {
  if (const auto* exec = std::get_if<ExecRequest>(&request))
    return {exec->stdin_, exec->stdout_, exec->stderr_, exec->tty};
  if (const auto* attach = std::get_if<AttachRequest>(&request))
    return {attach->stdin_, attach->stdout_, attach->stderr_, attach->tty};
  return {};
}

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
