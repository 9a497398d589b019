// ExecSync: the command through a Docker exec, run to its end
// (exec/exec_sync_runner.h): stdout, stderr and the exit code exactly as the
// process made them; on timeout (the request's, in seconds, 0 = none, or the
// client's deadline) DEADLINE_EXCEEDED, with the process and its children
// killed.
#include <algorithm>
#include <cstdint>
#include <limits>

#include "shim/exec_sync/exec_sync_runner.h"
#include "shim/runtime/runtime_service.h"
#include "shim/server/call.h"

namespace shim {

grpc::Status RuntimeService::ExecSync(grpc::ServerContext* context,
                                      const cri::ExecSyncRequest* request,
                                      cri::ExecSyncResponse* response) {
  return run("ExecSync " + request->container_id(), [&] {
    if (request->container_id().empty()) throw invalid_argument("container_id is empty");
    if (request->cmd_size() == 0) throw invalid_argument("cmd is empty");
    if (request->timeout() < 0) throw invalid_argument("timeout is negative");
    const auto options = call_options(context);
    // From the store: no inspect. A container removed meanwhile is still
    // NOT_FOUND, from Docker's exec create.
    const auto container = require(request->container_id(), DockerObjectKind::kContainer, "container_id", options);
    exec::ExecSyncRequest exec_request;
    exec_request.container_id = container->id;
    exec_request.cmd.assign(request->cmd().begin(), request->cmd().end());
    exec_request.timeout_seconds = static_cast<int>(
        std::min<std::int64_t>(request->timeout(), std::numeric_limits<int>::max()));
    auto result = exec::run_exec_sync(docker_, exec_request, options);
    response->set_stdout(std::move(result.out));
    response->set_stderr(std::move(result.err));
    response->set_exit_code(result.exit_code);
  });
}

}  // namespace shim
