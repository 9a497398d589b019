// ContainerStatus: from the container store (state/container_store.h), no
// Docker call; the status is built and serialized once per record and image
// name (record_view_cache.h) and sent as those bytes
// (server/serialized_items.h), with the user of the container's process,
// read once per process (process_user_cache.h). Verbose adds Docker's own
// inspect (its raw JSON, which the store does not keep). When the container
// has exited, the call first lets its log follower finish (briefly), so
// that a client that sees EXITED finds the whole output in the log file.
#include <nlohmann/json.hpp>

#include "shim/container/container_view.h"
#include "shim/runtime/runtime_service.h"
#include "shim/server/call.h"
#include "shim/server/serialized_items.h"
#include "shim/state/labels.h"

namespace shim {

std::shared_ptr<const RecordViewCache<cri::ContainerStatus>::Built> RuntimeService::container_status_view(
    const ContainerStore::Record& container, const docker::CallOptions& options) {
  return container_statuses_.get(container, reported_image(*container, repo_tags(options)));
}

void RuntimeService::prepare_container_status(const ContainerStore::Record& container,
                                              const docker::CallOptions& options) {
  try {
    container_status_view(container, options);
  } catch (const CriError&) {
  }
}

grpc::Status RuntimeService::ContainerStatus(grpc::ServerContext* context,
                                             const cri::ContainerStatusRequest* request,
                                             cri::ContainerStatusResponse* response) {
  return run("ContainerStatus " + request->container_id(), [&] {
    const auto options = call_options(context);
    const auto container = require(request->container_id(), DockerObjectKind::kContainer, "container_id", options);
    const auto status = container_status_view(container, options);
    // The process's user is kept per process, not per record
    // (process_user_cache.h). Two serialized messages one after the other
    // parse as their merge, so the user goes after the kept bytes as a
    // status of its own.
    append_serialized(*response, cri::ContainerStatusResponse::kStatusFieldNumber,
                      status->bytes + process_users_.serialized_user(*container));
    if (container_state_of(container->state) == cri::CONTAINER_EXITED) wait_for_container_log(container->id);
    if (request->verbose()) {
      const auto& labels = container->config.labels;
      const auto sandbox = labels.find(std::string(label::kSandboxId));
      nlohmann::json info = {
          {"pid", container->state.pid},
          {"sandboxID", sandbox == labels.end() ? "" : sandbox->second},
          {"dockerInspect", docker_.inspect_container(container->id, false, options).raw},
      };
      (*response->mutable_info())["info"] = info.dump();
    }
  });
}

}  // namespace shim
