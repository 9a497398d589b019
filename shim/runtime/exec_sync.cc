// ExecSync: the command through a Docker exec on a hijacked connection;
// stdout, stderr and the exit code exactly as the process made them. The
// request's timeout (seconds, 0 = none) bounds the whole call; the client's
// own deadline too. (Killing the process on timeout and capping the output
// belong to the streaming capability, issue 4.)
#include <algorithm>

#include "shim/runtime/runtime_service.h"
#include "shim/server/call.h"
#include "shim/state/object_lookup.h"

namespace shim {

grpc::Status RuntimeService::ExecSync(grpc::ServerContext* context,
                                      const cri::ExecSyncRequest* request,
                                      cri::ExecSyncResponse* response) {
  return run("ExecSync " + request->container_id(), [&] {
    if (request->cmd_size() == 0) throw invalid_argument("cmd is empty");
    if (request->timeout() < 0) throw invalid_argument("timeout is negative");
    auto options = call_options(context);
    if (request->timeout() > 0) {
      const auto limit = docker::CallOptions::Clock::now() + std::chrono::seconds(request->timeout());
      options.deadline = std::min(options.deadline, limit);
    }
    const auto container = require_object(docker_, request->container_id(),
                                          DockerObjectKind::kContainer, "container_id", options);
    if (!container.state.running)
      throw CriError(grpc::StatusCode::FAILED_PRECONDITION,
                     "container " + container.id + " is not running (" + container.state.status + ")");
    docker::ExecConfig exec;
    exec.cmd.assign(request->cmd().begin(), request->cmd().end());
    exec.attach_stdout = true;
    exec.attach_stderr = true;
    const std::string exec_id = docker_.create_exec(container.id, exec, options);
    auto stream = docker_.start_exec(exec_id, false, options);
    std::string out, err;
    while (auto chunk = stream->read(options))
      (chunk->stream == docker::StreamKind::Stderr ? err : out) += chunk->data;
    const auto inspect = docker_.inspect_exec(exec_id, options);
    response->set_stdout(std::move(out));
    response->set_stderr(std::move(err));
    response->set_exit_code(inspect.exit_code.value_or(-1));
  });
}

}  // namespace shim
