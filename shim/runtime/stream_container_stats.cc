// StreamContainerStats: ListContainerStats sent in pages.
#include "shim/runtime/runtime_service.h"
#include "shim/server/call.h"

namespace shim {
namespace {
constexpr std::size_t kStatsPerPage = 100;
}

grpc::Status RuntimeService::StreamContainerStats(
    grpc::ServerContext* context, const cri::StreamContainerStatsRequest* request,
    grpc::ServerWriter<cri::StreamContainerStatsResponse>* writer) {
  return run("StreamContainerStats", [&] {
    const auto reads = read_containers(stats_sources(), request->filter(), call_options(context));
    for (std::size_t start = 0; start < reads.size(); start += kStatsPerPage) {
      cri::StreamContainerStatsResponse page;
      const std::size_t end = std::min(reads.size(), start + kStatsPerPage);
      for (std::size_t i = start; i < end; ++i) *page.add_container_stats() = to_container_stats(reads[i]);
      if (!writer->Write(page)) throw CriError(grpc::StatusCode::CANCELLED, "client went away");
    }
  });
}

}  // namespace shim
