// StreamPodSandboxStats: ListPodSandboxStats sent in pages.
#include "shim/runtime/runtime_service.h"
#include "shim/server/call.h"

namespace shim {
namespace {
constexpr std::size_t kPodsPerPage = 50;  // each carries its containers' stats
}

grpc::Status RuntimeService::StreamPodSandboxStats(
    grpc::ServerContext* context, const cri::StreamPodSandboxStatsRequest* request,
    grpc::ServerWriter<cri::StreamPodSandboxStatsResponse>* writer) {
  return run("StreamPodSandboxStats", [&] {
    const auto& filter = request->filter();
    const auto pods = read_pods(stats_sources(), filter.id(), filter.label_selector(),
                                call_options(context));
    for (std::size_t start = 0; start < pods.size(); start += kPodsPerPage) {
      cri::StreamPodSandboxStatsResponse page;
      const std::size_t end = std::min(pods.size(), start + kPodsPerPage);
      for (std::size_t i = start; i < end; ++i) *page.add_pod_sandbox_stats() = to_pod_stats(pods[i]);
      if (!writer->Write(page)) throw CriError(grpc::StatusCode::CANCELLED, "client went away");
    }
  });
}

}  // namespace shim
