// PodSandboxStats: the pod's sandbox and running containers, read as
// ListPodSandboxStats reads them. An unknown sandbox is NOT_FOUND; a stopped
// one answers with timestamps and zero usage.
#include "shim/runtime/runtime_service.h"
#include "shim/server/call.h"
#include "shim/state/object_lookup.h"

namespace shim {

grpc::Status RuntimeService::PodSandboxStats(grpc::ServerContext* context,
                                             const cri::PodSandboxStatsRequest* request,
                                             cri::PodSandboxStatsResponse* response) {
  return run("PodSandboxStats " + request->pod_sandbox_id(), [&] {
    const auto options = call_options(context);
    const auto sandbox = require(request->pod_sandbox_id(), DockerObjectKind::kSandbox, "pod_sandbox_id", options);
    const ProtoStringMap no_selector;
    const auto pods = read_pods(stats_sources(), sandbox->id, no_selector, options);
    if (pods.empty()) throw not_found("sandbox " + request->pod_sandbox_id() + " not found");
    *response->mutable_stats() = to_pod_stats(pods.front());
  });
}

}  // namespace shim
