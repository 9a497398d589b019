// StartContainer: the log file first (so that a missing log directory fails
// the call before anything runs, as with containerd), then Docker's start,
// then the follower that copies the output into the file in CRI format.
#include "shim/runtime/runtime_service.h"
#include "shim/server/call.h"
#include "shim/state/labels.h"
#include "shim/state/object_lookup.h"

namespace shim {

grpc::Status RuntimeService::StartContainer(grpc::ServerContext* context,
                                            const cri::StartContainerRequest* request,
                                            cri::StartContainerResponse*) {
  return run("StartContainer " + request->container_id(), [&] {
    const auto options = call_options(context);
    const auto container = require_object(docker_, request->container_id(),
                                          DockerObjectKind::kContainer, "container_id", options);
    const auto log_path = container.config.labels.find(std::string(label::kLogPath));
    const bool logs = log_path != container.config.labels.end() && !log_path->second.empty();
    if (logs) create_log_file(log_path->second);
    try {
      docker_.start_container(container.id, options);
    } catch (...) {
      // A failed start changes the container too (exit code and error,
      // start_failure.h), and Docker sends no event for it: the cached
      // inspect must go, or ContainerStatus would still say CREATED.
      changed(container.id);
      throw;
    }
    changed(container.id);
    if (logs) follow_container_log(container.id, log_path->second, container.config.tty);
    apply_hugepage_limits(container);
  });
}

}  // namespace shim
