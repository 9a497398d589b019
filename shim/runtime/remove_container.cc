// RemoveContainer: running or not, with its anonymous volumes; its log
// follower ends (the log file stays: it is kubelet's). Unknown IDs succeed,
// so the call is idempotent (cri-dockerd errs there).
#include "shim/runtime/runtime_service.h"
#include "shim/server/call.h"

namespace shim {

grpc::Status RuntimeService::RemoveContainer(grpc::ServerContext* context,
                                             const cri::RemoveContainerRequest* request,
                                             cri::RemoveContainerResponse*) {
  return run("RemoveContainer " + request->container_id(), [&] {
    if (request->container_id().empty()) throw invalid_argument("container_id is empty");
    const auto options = call_options(context);
    const auto container = store_.find(request->container_id(), DockerObjectKind::kContainer, options);
    if (!container) return;
    try {
      docker_.remove_container(container->id, true, true, options);
    } catch (const docker::DockerError& e) {
      if (!e.not_found()) throw;
    }
    store_.forget(container->id);
    forget_container_log(container->id);
  });
}

}  // namespace shim
