// ListContainerStats: one /containers/json, inspects from the cache, and
// cgroup and /proc files per container (runtime/stats_reads.h).
#include "shim/runtime/runtime_service.h"
#include "shim/server/call.h"

namespace shim {

grpc::Status RuntimeService::ListContainerStats(grpc::ServerContext* context,
                                                const cri::ListContainerStatsRequest* request,
                                                cri::ListContainerStatsResponse* response) {
  return run("ListContainerStats", [&] {
    for (const auto& read : read_containers(stats_sources(), request->filter(), call_options(context)))
      *response->add_stats() = to_container_stats(read);
  });
}

}  // namespace shim
