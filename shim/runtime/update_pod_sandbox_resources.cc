// UpdatePodSandboxResources: kubelet's in-place pod resize tells the runtime
// the pod's new size (after it resized the pod cgroup itself, when it
// manages one). cri-shim writes the limits into the pod cgroup named by the
// sandbox's cgroup_parent (sandbox/pod_cgroup.h), so that clients without a
// cgroup manager of their own get the resize too. A sandbox without a
// cgroup_parent shares Docker's own parent with every other container, and a
// stopped one has no cgroup: there is nothing to resize then, and the call
// succeeds, as the CRI treats it as best effort.
#include <spdlog/spdlog.h>

#include "shim/container/resources.h"
#include "shim/runtime/runtime_service.h"
#include "shim/sandbox/pod_cgroup.h"
#include "shim/server/call.h"

namespace shim {

grpc::Status RuntimeService::UpdatePodSandboxResources(grpc::ServerContext* context,
                                                       const cri::UpdatePodSandboxResourcesRequest* request,
                                                       cri::UpdatePodSandboxResourcesResponse*) {
  return run("UpdatePodSandboxResources " + request->pod_sandbox_id(), [&] {
    if (request->pod_sandbox_id().empty()) throw invalid_argument("pod_sandbox_id is empty");
    const auto limits = pod_cgroup_limits(docker_resources(request->resources(), "resources"),
                                          docker_resources(request->overhead(), "overhead"));
    const auto found = require(request->pod_sandbox_id(), DockerObjectKind::kSandbox, "pod_sandbox_id",
                               call_options(context));
    const auto& sandbox = *found;
    if (sandbox.host_config.cgroup_parent.empty()) {
      spdlog::debug("UpdatePodSandboxResources {}: the sandbox has no cgroup_parent, so no pod cgroup to resize",
                    sandbox.id);
      return;
    }
    if (!sandbox.state.running || sandbox.state.pid <= 0) {
      spdlog::debug("UpdatePodSandboxResources {}: the sandbox is not running; nothing to resize", sandbox.id);
      return;
    }
    try {
      for (const auto& file : write_pod_cgroup_limits(sandbox.state.pid, limits))
        spdlog::debug("UpdatePodSandboxResources {}: wrote {}", sandbox.id, file);
    } catch (const std::runtime_error& e) {
      throw CriError(grpc::StatusCode::INTERNAL, std::string("resizing the pod cgroup: ") + e.what());
    }
  });
}

}  // namespace shim
