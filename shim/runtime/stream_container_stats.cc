// StreamContainerStats: ListContainerStats sent in pages.
#include "shim/runtime/runtime_service.h"
#include "shim/server/call.h"
#include "shim/server/paged_writer.h"

namespace shim {
grpc::Status RuntimeService::StreamContainerStats(
    grpc::ServerContext* context, const cri::StreamContainerStatsRequest* request,
    grpc::ServerWriter<cri::StreamContainerStatsResponse>* writer) {
  return run("StreamContainerStats", [&] {
    const auto reads = read_containers(stats_sources(), request->filter(), call_options(context));
    write_in_pages(writer, reads, [](cri::StreamContainerStatsResponse& page, const auto& read) {
      *page.add_container_stats() = to_container_stats(read);
    });
  });
}

}  // namespace shim
