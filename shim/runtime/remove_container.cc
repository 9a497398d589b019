// RemoveContainer: running or not, with its anonymous volumes; its log
// follower ends (the log file stays: it is kubelet's). Unknown IDs succeed,
// so the call is idempotent (cri-dockerd errs there).
#include "shim/runtime/runtime_service.h"
#include "shim/server/call.h"
#include "shim/state/object_lookup.h"

namespace shim {

grpc::Status RuntimeService::RemoveContainer(grpc::ServerContext* context,
                                             const cri::RemoveContainerRequest* request,
                                             cri::RemoveContainerResponse*) {
  return run("RemoveContainer " + request->container_id(), [&] {
    if (request->container_id().empty()) throw invalid_argument("container_id is empty");
    const auto options = call_options(context);
    const auto id = resolve_object_id(docker_, known_, request->container_id(),
                                      DockerObjectKind::kContainer, options);
    if (!id) return;
    try {
      docker_.remove_container(*id, true, true, options);
      changed(*id);
    } catch (const docker::DockerError& e) {
      if (!e.not_found()) throw;
    }
    forget_container_log(*id);
    known_.forget(*id);
    creation_times_.forget(*id);
  });
}

}  // namespace shim
