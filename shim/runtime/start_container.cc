// StartContainer: the log file first (so that a missing log directory fails
// the call before anything runs, as with containerd), then Docker's start,
// then the follower that copies the output into the file in CRI format.
// The container is read into the store again before the call answers,
// failed or not (Docker sends no event for a failed start), so the
// ContainerStatus that follows is answered from memory.
#include "shim/runtime/runtime_service.h"
#include "shim/server/call.h"
#include "shim/state/labels.h"

namespace shim {

grpc::Status RuntimeService::StartContainer(grpc::ServerContext* context,
                                            const cri::StartContainerRequest* request,
                                            cri::StartContainerResponse*) {
  return run("StartContainer " + request->container_id(), [&] {
    const auto options = call_options(context);
    const auto container = require(request->container_id(), DockerObjectKind::kContainer, "container_id", options);
    const auto& labels = container->config.labels;
    const auto log_path = labels.find(std::string(label::kLogPath));
    const bool logs = log_path != labels.end() && !log_path->second.empty();
    if (logs) create_log_file(log_path->second);
    try {
      docker_.start_container(container->id, options);
    } catch (...) {
      // A failed start changes the container too (exit code and error,
      // start_failure.h): without this read, ContainerStatus would still
      // say CREATED.
      store_.refresh(container->id);
      throw;
    }
    const auto started = store_.refresh(container->id);
    if (logs) follow_container_log(container->id, log_path->second, container->config.tty);
    if (started) {
      apply_hugepage_limits(*started);
      // kubelet asks the status right after a start: build it now, not then.
      prepare_container_status(started, options);
    }
  });
}

}  // namespace shim
