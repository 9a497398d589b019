// ContainerStats: the container from the store and the kernel's figures.
// A stopped container answers with timestamps and zero usage; an unknown
// one is NOT_FOUND.
#include "shim/container/container_view.h"
#include "shim/runtime/runtime_service.h"
#include "shim/server/call.h"
#include "shim/state/object_lookup.h"
#include "shim/stats/cri_stats.h"

namespace shim {

grpc::Status RuntimeService::ContainerStats(grpc::ServerContext* context,
                                            const cri::ContainerStatsRequest* request,
                                            cri::ContainerStatsResponse* response) {
  return run("ContainerStats " + request->container_id(), [&] {
    const auto options = call_options(context);
    const auto inspect = require(request->container_id(), DockerObjectKind::kContainer, "container_id", options);
    cri::ContainerStatus status;
    fill_container_status(*inspect, &status);
    auto* stats = response->mutable_stats();
    stats::fill_attributes(status, stats->mutable_attributes());
    stats::fill_container_stats(read_container(stats_sources(), *inspect, options), stats);
  });
}

}  // namespace shim
