// PodSandboxStatus: one inspect of the infra container. Verbose adds the
// inspect itself under "info", as cri-dockerd and containerd give their
// runtime's view there.
#include <nlohmann/json.hpp>

#include "shim/runtime/runtime_service.h"
#include "shim/sandbox/sandbox_view.h"
#include "shim/server/call.h"
#include "shim/state/object_lookup.h"

namespace shim {

grpc::Status RuntimeService::PodSandboxStatus(grpc::ServerContext* context,
                                              const cri::PodSandboxStatusRequest* request,
                                              cri::PodSandboxStatusResponse* response) {
  return run("PodSandboxStatus " + request->pod_sandbox_id(), [&] {
    const auto inspect = require_object(request->verbose() ? plain_inspect(call_options(context)) : cached_inspect(call_options(context)), request->pod_sandbox_id(), DockerObjectKind::kSandbox, "pod_sandbox_id");
    fill_sandbox_status(inspect, response->mutable_status());
    response->set_timestamp(unix_nanos_now());
    if (request->verbose()) {
      nlohmann::json info = {
          {"pid", inspect.state.pid},
          {"image", inspect.config.image},
          {"runtimeHandler", response->status().runtime_handler()},
          {"dockerInspect", inspect.raw},
      };
      (*response->mutable_info())["info"] = info.dump();
    }
  });
}

}  // namespace shim
