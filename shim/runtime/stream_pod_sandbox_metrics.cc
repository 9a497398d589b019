// StreamPodSandboxMetrics: ListPodSandboxMetrics sent in pages.
#include "shim/runtime/runtime_service.h"
#include "shim/server/call.h"
#include "shim/server/paged_writer.h"

namespace shim {
namespace {
constexpr std::size_t kPodsPerPage = 50;
}

grpc::Status RuntimeService::StreamPodSandboxMetrics(
    grpc::ServerContext* context, const cri::StreamPodSandboxMetricsRequest*,
    grpc::ServerWriter<cri::StreamPodSandboxMetricsResponse>* writer) {
  return run("StreamPodSandboxMetrics", [&] {
    const ProtoStringMap no_selector;
    const auto pods = read_pods(stats_sources(), "", no_selector, call_options(context));
    write_in_pages(
        writer, pods,
        [](cri::StreamPodSandboxMetricsResponse& page, const auto& pod) { *page.add_pod_sandbox_metrics() = to_pod_metrics(pod); },
        kPodsPerPage);
  });
}

}  // namespace shim
