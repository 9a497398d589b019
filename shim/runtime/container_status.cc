// ContainerStatus: one inspect. When the container has exited, the call
// first lets its log follower finish (briefly), so that a client that sees
// EXITED finds the whole output in the log file.
#include <nlohmann/json.hpp>

#include "shim/container/container_view.h"
#include "shim/runtime/runtime_service.h"
#include "shim/server/call.h"
#include "shim/state/labels.h"
#include "shim/state/object_lookup.h"

namespace shim {

grpc::Status RuntimeService::ContainerStatus(grpc::ServerContext* context,
                                             const cri::ContainerStatusRequest* request,
                                             cri::ContainerStatusResponse* response) {
  return run("ContainerStatus " + request->container_id(), [&] {
    const auto container = require_object(request->verbose() ? plain_inspect(call_options(context)) : cached_inspect(call_options(context)), request->container_id(), DockerObjectKind::kContainer, "container_id");
    fill_container_status(container, response->mutable_status());
    if (response->status().state() == cri::CONTAINER_EXITED) wait_for_container_log(container.id);
    if (request->verbose()) {
      const auto sandbox = container.config.labels.find(std::string(label::kSandboxId));
      nlohmann::json info = {
          {"pid", container.state.pid},
          {"sandboxID", sandbox == container.config.labels.end() ? "" : sandbox->second},
          {"dockerInspect", container.raw},
      };
      (*response->mutable_info())["info"] = info.dump();
    }
  });
}

}  // namespace shim
