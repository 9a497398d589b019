// ListPodSandboxMetrics: every ready pod's metrics, from the same reads as
// ListPodSandboxStats.
#include "shim/runtime/runtime_service.h"
#include "shim/server/call.h"

namespace shim {

grpc::Status RuntimeService::ListPodSandboxMetrics(grpc::ServerContext* context,
                                                   const cri::ListPodSandboxMetricsRequest*,
                                                   cri::ListPodSandboxMetricsResponse* response) {
  return run("ListPodSandboxMetrics", [&] {
    const ProtoStringMap no_selector;
    for (const auto& pod : read_pods(stats_sources(), "", no_selector, call_options(context)))
      *response->add_pod_metrics() = to_pod_metrics(pod);
  });
}

}  // namespace shim
