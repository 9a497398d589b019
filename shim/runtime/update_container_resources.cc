// UpdateContainerResources: applied live through Docker's update call (CPU,
// cpuset, memory and swap). Hugepage limits go to the cgroup files, as at
// start; oom_score_adj cannot change on a live Docker container.
#include "shim/container/resources.h"
#include "shim/runtime/runtime_service.h"
#include "shim/server/call.h"

namespace shim {

grpc::Status RuntimeService::UpdateContainerResources(
    grpc::ServerContext* context, const cri::UpdateContainerResourcesRequest* request,
    cri::UpdateContainerResourcesResponse*) {
  return run("UpdateContainerResources " + request->container_id(), [&] {
    const auto options = call_options(context);
    const auto container = require(request->container_id(), DockerObjectKind::kContainer, "container_id", options);
    if (!request->has_linux()) return;
    const auto resources = docker_resources(request->linux(), "linux");
    docker_.update_container(container->id, resources, options);
    if (const auto updated = store_.refresh(container->id))
      write_hugepage_limits_of(*updated, resources.hugepage_limits);
  });
}

}  // namespace shim
