// Exec: checks the request and the container, then hands the client a
// one-time URL on the streaming server (streaming/streaming_server.h), where
// the command runs once the client connects (streaming/exec_attach_runner.h).
#include "shim/runtime/runtime_service.h"
#include "shim/runtime/streaming_checks.h"
#include "shim/server/call.h"

namespace shim {

grpc::Status RuntimeService::Exec(grpc::ServerContext* context, const cri::ExecRequest* request,
                                  cri::ExecResponse* response) {
  return run("Exec " + request->container_id(), [&] {
    if (request->cmd_size() == 0) throw invalid_argument("cmd is empty");
    check_stream_flags(request->stdin(), request->stdout(), request->stderr(), request->tty());
    streaming::ExecRequest exec;
    exec.container_id = require_running_container(
        require(request->container_id(), DockerObjectKind::kContainer, "container_id", call_options(context)));
    exec.cmd.assign(request->cmd().begin(), request->cmd().end());
    exec.tty = request->tty();
    exec.stdin_ = request->stdin();
    exec.stdout_ = request->stdout();
    exec.stderr_ = request->stderr();
    response->set_url(stream_url(std::move(exec)));
  });
}

}  // namespace shim
