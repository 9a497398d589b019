// StopContainer: the stop signal, then SIGKILL after `timeout` seconds
// (0: at once). An unknown ID is NOT_FOUND; a stopped container is success.
#include "shim/runtime/runtime_service.h"
#include "shim/server/call.h"
#include "shim/state/object_lookup.h"

namespace shim {

grpc::Status RuntimeService::StopContainer(grpc::ServerContext* context,
                                           const cri::StopContainerRequest* request,
                                           cri::StopContainerResponse*) {
  return run("StopContainer " + request->container_id(), [&] {
    if (request->timeout() < 0) throw invalid_argument("timeout is negative");
    const auto options = call_options(context);
    const auto container = require_object(docker_, request->container_id(),
                                          DockerObjectKind::kContainer, "container_id", options);
    if (request->timeout() == 0) {
      // Docker's stop with t=0 still sends the stop signal first; CRI's 0
      // means SIGKILL at once, as containerd does.
      if (!container.state.running) return;
      try {
        docker_.kill_container(container.id, "SIGKILL", options);
      } catch (const docker::DockerError& e) {
        if (!e.conflict()) throw;  // 409: it stopped meanwhile
      }
      docker_.wait_container(container.id, "not-running", options);
      return;
    }
    const auto timeout = std::min<std::int64_t>(request->timeout(), 24 * 3600);
    docker_.stop_container(container.id, static_cast<int>(timeout), options);
  });
}

}  // namespace shim
