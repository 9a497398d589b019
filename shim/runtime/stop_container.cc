// StopContainer: the stop signal, then SIGKILL after `timeout` seconds
// (0: at once). An unknown ID is NOT_FOUND; a stopped container is success.
// The call returns once the container's output is all in its log file (the
// follower drains while Docker stops the container), so that the
// ContainerStatus that follows a stop has nothing to wait for, and the
// container store holds the stopped container by then.
#include "shim/runtime/runtime_service.h"
#include "shim/server/call.h"

namespace shim {

grpc::Status RuntimeService::StopContainer(grpc::ServerContext* context,
                                           const cri::StopContainerRequest* request,
                                           cri::StopContainerResponse*) {
  return run("StopContainer " + request->container_id(), [&] {
    if (request->timeout() < 0) throw invalid_argument("timeout is negative");
    const auto options = call_options(context);
    const auto container = require(request->container_id(), DockerObjectKind::kContainer, "container_id", options);
    const std::string& id = container->id;
    if (request->timeout() == 0) {
      // Docker's stop with t=0 still sends the stop signal first; CRI's 0
      // means SIGKILL at once, as containerd does.
      try {
        docker_.kill_container(id, "SIGKILL", options);
      } catch (const docker::DockerError& e) {
        if (!e.conflict()) throw;  // 409: not running (never started, or stopped)
      }
      docker_.wait_container(id, "not-running", options);
    } else {
      const auto timeout = std::min<std::int64_t>(request->timeout(), 24 * 3600);
      docker_.stop_container(id, static_cast<int>(timeout), options);
    }
    // Kubelet asks the status right after a stop: have it ready, read and
    // built (the store keeps the record through the die and stop events
    // that follow).
    if (const auto stopped = store_.refresh(id)) prepare_container_status(stopped, options);
    wait_for_container_log(id);
  });
}

}  // namespace shim
