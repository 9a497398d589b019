// StopPodSandbox: every running container of the pod (the container store
// names them), then the infra container. Each container gets the grace it
// was created with (its Docker StopTimeout, from kubelet's
// terminationGracePeriod annotation), not a fixed one. An unknown or already
// stopped sandbox is success: the call is idempotent. Docker's bridge
// network releases the pod's endpoint when the infra container stops; a CNI
// attachment is DELeted before it stops.
#include <spdlog/spdlog.h>

#include "shim/container/container_view.h"
#include "shim/runtime/runtime_service.h"
#include "shim/sandbox/pod_containers.h"
#include "shim/server/call.h"

namespace shim {

grpc::Status RuntimeService::StopPodSandbox(grpc::ServerContext* context,
                                            const cri::StopPodSandboxRequest* request,
                                            cri::StopPodSandboxResponse*) {
  return run("StopPodSandbox " + request->pod_sandbox_id(), [&] {
    if (request->pod_sandbox_id().empty()) throw invalid_argument("pod_sandbox_id is empty");
    const auto options = call_options(context);
    const auto sandbox = store_.find(request->pod_sandbox_id(), DockerObjectKind::kSandbox, options);
    if (!sandbox) {
      spdlog::debug("StopPodSandbox {}: no such sandbox; nothing to stop", request->pod_sandbox_id());
      return;
    }
    std::vector<std::string> running;
    for (const auto& container : store_.pod_containers(sandbox->id, options))
      if (container_state_of(container->state) == cri::CONTAINER_RUNNING) running.push_back(container->id);
    for_each_concurrently(running, [&](const std::string& id) {
      docker_.stop_container(id, -1, options);
      store_.refresh(id);
    });
    // While the pause process still holds the namespace, so the plugins
    // find the veth; the stored attachment makes a second stop a no-op.
    detach_pod_network(sandbox->id, options);
    try {
      docker_.stop_container(sandbox->id, -1, options);
      store_.refresh(sandbox->id);
    } catch (const docker::DockerError& e) {
      if (!e.not_found()) throw;  // removed meanwhile: stopped all the same
      store_.forget(sandbox->id);
    }
  });
}

}  // namespace shim
