// StopContainer: the stop signal, then SIGKILL after `timeout` seconds
// (0: at once). An unknown ID is NOT_FOUND; a stopped container is success.
// The call returns once the container's output is all in its log file (the
// follower drains while Docker stops the container), so that the
// ContainerStatus that follows a stop has nothing to wait for; its inspect
// is made here too, while the log drains.
#include "shim/runtime/runtime_service.h"
#include "shim/server/call.h"
#include "shim/state/object_lookup.h"

namespace shim {

grpc::Status RuntimeService::StopContainer(grpc::ServerContext* context,
                                           const cri::StopContainerRequest* request,
                                           cri::StopContainerResponse*) {
  return run("StopContainer " + request->container_id(), [&] {
    if (request->timeout() < 0) throw invalid_argument("timeout is negative");
    if (request->container_id().empty()) throw invalid_argument("container_id is empty");
    const auto options = call_options(context);
    const auto id = resolve_object_id(docker_, known_, request->container_id(),
                                      DockerObjectKind::kContainer, options);
    if (!id) throw not_found("container " + request->container_id() + " not found");
    if (request->timeout() == 0) {
      // Docker's stop with t=0 still sends the stop signal first; CRI's 0
      // means SIGKILL at once, as containerd does.
      try {
        docker_.kill_container(*id, "SIGKILL", options);
      } catch (const docker::DockerError& e) {
        if (!e.conflict()) throw;  // 409: not running (never started, or stopped)
      }
      docker_.wait_container(*id, "not-running", options);
    } else {
      const auto timeout = std::min<std::int64_t>(request->timeout(), 24 * 3600);
      docker_.stop_container(*id, static_cast<int>(timeout), options);
    }
    // Kubelet asks the status right after a stop: have it ready
    // (inspect_cache.h keeps it through the die and stop events).
    inspects_.refill(*id, options);
    wait_for_container_log(*id);
  });
}

}  // namespace shim
