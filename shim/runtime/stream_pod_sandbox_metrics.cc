// StreamPodSandboxMetrics: ListPodSandboxMetrics sent in pages.
#include "shim/runtime/runtime_service.h"
#include "shim/server/call.h"

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
    for (std::size_t start = 0; start < pods.size(); start += kPodsPerPage) {
      cri::StreamPodSandboxMetricsResponse page;
      const std::size_t end = std::min(pods.size(), start + kPodsPerPage);
      for (std::size_t i = start; i < end; ++i) *page.add_pod_sandbox_metrics() = to_pod_metrics(pods[i]);
      if (!writer->Write(page)) throw CriError(grpc::StatusCode::CANCELLED, "client went away");
    }
  });
}

}  // namespace shim
