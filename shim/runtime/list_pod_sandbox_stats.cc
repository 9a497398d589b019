// ListPodSandboxStats: two /containers/json calls (sandboxes, containers),
// inspects from the cache, and cgroup and /proc files (runtime/stats_reads.h).
#include "shim/runtime/runtime_service.h"
#include "shim/server/call.h"

namespace shim {

grpc::Status RuntimeService::ListPodSandboxStats(grpc::ServerContext* context,
                                                 const cri::ListPodSandboxStatsRequest* request,
                                                 cri::ListPodSandboxStatsResponse* response) {
  return run("ListPodSandboxStats", [&] {
    const auto& filter = request->filter();
    for (const auto& pod : read_pods(stats_sources(), filter.id(), filter.label_selector(),
                                     call_options(context)))
      *response->add_stats() = to_pod_stats(pod);
  });
}

}  // namespace shim
