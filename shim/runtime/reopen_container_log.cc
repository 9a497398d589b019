// ReopenContainerLog: after the caller renamed the log file (kubelet's
// rotation), new output goes to a new file at the same path.
#include "shim/runtime/runtime_service.h"
#include "shim/server/call.h"

namespace shim {

grpc::Status RuntimeService::ReopenContainerLog(grpc::ServerContext* context,
                                                const cri::ReopenContainerLogRequest* request,
                                                cri::ReopenContainerLogResponse*) {
  return run("ReopenContainerLog " + request->container_id(), [&] {
    const auto container = require(request->container_id(), DockerObjectKind::kContainer, "container_id",
                                   call_options(context));
    if (!container->state.running)
      throw CriError(grpc::StatusCode::FAILED_PRECONDITION,
                     "container " + container->id + " is not running; its log is complete");
    reopen_container_log(container->id);
  });
}

}  // namespace shim
