// StopPodSandbox: every container of the pod, then the infra container.
// Each container gets the grace it was created with (its Docker StopTimeout,
// from kubelet's terminationGracePeriod annotation), not a fixed one. An
// unknown or already stopped sandbox is success: the call is idempotent.
// Docker's bridge network releases the pod's endpoint when the infra
// container stops; a CNI attachment is DELeted before it stops.
#include <spdlog/spdlog.h>

#include "shim/runtime/runtime_service.h"
#include "shim/sandbox/pod_containers.h"
#include "shim/server/call.h"
#include "shim/state/object_lookup.h"

namespace shim {

grpc::Status RuntimeService::StopPodSandbox(grpc::ServerContext* context,
                                            const cri::StopPodSandboxRequest* request,
                                            cri::StopPodSandboxResponse*) {
  return run("StopPodSandbox " + request->pod_sandbox_id(), [&] {
    if (request->pod_sandbox_id().empty()) throw invalid_argument("pod_sandbox_id is empty");
    const auto options = call_options(context);
    const auto sandbox = resolve_object_id(docker_, known_, request->pod_sandbox_id(),
                                           DockerObjectKind::kSandbox, options);
    if (!sandbox) {
      spdlog::debug("StopPodSandbox {}: no such sandbox; nothing to stop", request->pod_sandbox_id());
      return;
    }
    for_each_concurrently(pod_container_ids(docker_, *sandbox, false, options),
                          [&](const std::string& id) {
                            docker_.stop_container(id, -1, options);
                            changed(id);
                          });
    // While the pause process still holds the namespace, so the plugins
    // find the veth; the stored attachment makes a second stop a no-op.
    detach_pod_network(*sandbox, options);
    try {
      docker_.stop_container(*sandbox, -1, options);
      changed(*sandbox);
    } catch (const docker::DockerError& e) {
      if (!e.not_found()) throw;  // removed meanwhile: stopped all the same
      known_.forget(*sandbox);
    }
  });
}

}  // namespace shim
