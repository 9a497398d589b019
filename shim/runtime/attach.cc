// Attach: checks the request and the container, then hands the client a
// one-time URL on the streaming server where the attach runs once the
// client connects (streaming/exec_attach_runner.h).
#include "shim/runtime/runtime_service.h"
#include "shim/runtime/streaming_checks.h"
#include "shim/server/call.h"

namespace shim {

grpc::Status RuntimeService::Attach(grpc::ServerContext* context, const cri::AttachRequest* request,
                                    cri::AttachResponse* response) {
  return run("Attach " + request->container_id(), [&] {
    check_stream_flags(request->stdin(), request->stdout(), request->stderr(), request->tty());
    streaming::AttachRequest attach;
    attach.container_id = require_running_container(
        require(request->container_id(), DockerObjectKind::kContainer, "container_id", call_options(context)));
    attach.tty = request->tty();
    attach.stdin_ = request->stdin();
    attach.stdout_ = request->stdout();
    attach.stderr_ = request->stderr();
    response->set_url(stream_url(std::move(attach)));
  });
}

}  // namespace shim
