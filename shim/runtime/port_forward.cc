// PortForward: checks the sandbox and the ports, then hands the client a
// one-time URL on the streaming server; each connection the client opens
// there reaches localhost:<port> inside the pod (streaming/pod_port_forwarder.h).
#include "shim/runtime/runtime_service.h"
#include "shim/server/call.h"
#include "shim/state/object_lookup.h"

namespace shim {

grpc::Status RuntimeService::PortForward(grpc::ServerContext* context,
                                         const cri::PortForwardRequest* request,
                                         cri::PortForwardResponse* response) {
  return run("PortForward " + request->pod_sandbox_id(), [&] {
    streaming::PortForwardRequest forward;
    for (const auto port : request->port()) {
      if (port <= 0 || port > 65535)
        throw invalid_argument("port " + std::to_string(port) + " is not in 1..65535");
      forward.ports.push_back(static_cast<std::uint16_t>(port));
    }
    const auto sandbox = require(request->pod_sandbox_id(), DockerObjectKind::kSandbox, "pod_sandbox_id",
                                 call_options(context));
    if (!sandbox->state.running)
      throw CriError(grpc::StatusCode::FAILED_PRECONDITION,
                     "pod sandbox " + sandbox->id + " is not ready (its infra container is " +
                         sandbox->state.status + ")");
    forward.sandbox_id = sandbox->id;
    response->set_url(stream_url(std::move(forward)));
  });
}

}  // namespace shim
