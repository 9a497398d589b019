// StreamPodSandboxStats: ListPodSandboxStats sent in pages.
#include "shim/runtime/runtime_service.h"
#include "shim/server/call.h"
#include "shim/server/paged_writer.h"

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
    write_in_pages(
        writer, pods,
        [](cri::StreamPodSandboxStatsResponse& page, const auto& pod) { *page.add_pod_sandbox_stats() = to_pod_stats(pod); },
        kPodsPerPage);
  });
}

}  // namespace shim
