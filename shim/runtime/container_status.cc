// ContainerStatus: from the container store (state/container_store.h), no
// Docker call; verbose adds Docker's own inspect (its raw JSON, which the
// store does not keep). When the container has exited, the call first lets
// its log follower finish (briefly), so that a client that sees EXITED
// finds the whole output in the log file.
#include <nlohmann/json.hpp>

#include "shim/container/container_view.h"
#include "shim/runtime/runtime_service.h"
#include "shim/server/call.h"
#include "shim/state/labels.h"

namespace shim {

grpc::Status RuntimeService::ContainerStatus(grpc::ServerContext* context,
                                             const cri::ContainerStatusRequest* request,
                                             cri::ContainerStatusResponse* response) {
  return run("ContainerStatus " + request->container_id(), [&] {
    const auto options = call_options(context);
    const auto container = require(request->container_id(), DockerObjectKind::kContainer, "container_id", options);
    fill_container_status(*container, response->mutable_status(), repo_tags(options));
    if (response->status().state() == cri::CONTAINER_EXITED) wait_for_container_log(container->id);
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
