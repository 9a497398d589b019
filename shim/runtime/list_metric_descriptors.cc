// ListMetricDescriptors: the metrics ListPodSandboxMetrics gives, with their
// label keys (stats/metrics.h).
#include "shim/runtime/runtime_service.h"
#include "shim/server/call.h"
#include "shim/stats/metrics.h"

namespace shim {

grpc::Status RuntimeService::ListMetricDescriptors(grpc::ServerContext*,
                                                   const cri::ListMetricDescriptorsRequest*,
                                                   cri::ListMetricDescriptorsResponse* response) {
  return run("ListMetricDescriptors", [&] {
    for (auto& descriptor : stats::metric_descriptors()) *response->add_descriptors() = std::move(descriptor);
  });
}

}  // namespace shim
