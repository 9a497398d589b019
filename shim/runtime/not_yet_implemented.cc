// RuntimeService methods whose capability is not built yet. Each answers
// UNIMPLEMENTED with the capability's name, so a client sees what is missing
// rather than an anonymous "unknown method".
#include "shim/runtime/runtime_service.h"

namespace shim {
namespace {

constexpr const char* kRest = "stats, container events, CNI networking and the rest of CRI v1";

grpc::Status not_yet(const char* method, const char* capability) {
  return grpc::Status(grpc::StatusCode::UNIMPLEMENTED,
                      std::string(method) + " is not implemented yet in cri-shim: it belongs to " +
                          "the " + capability + " capability, which is still being built");
}

}  // namespace

grpc::Status RuntimeService::StreamPodSandboxes(grpc::ServerContext*, const cri::StreamPodSandboxesRequest*,
    grpc::ServerWriter<cri::StreamPodSandboxesResponse>*) {
  return not_yet("StreamPodSandboxes", kRest);
}

grpc::Status RuntimeService::StreamContainers(grpc::ServerContext*, const cri::StreamContainersRequest*,
    grpc::ServerWriter<cri::StreamContainersResponse>*) {
  return not_yet("StreamContainers", kRest);
}

grpc::Status RuntimeService::ContainerStats(grpc::ServerContext*, const cri::ContainerStatsRequest*,
    cri::ContainerStatsResponse*) {
  return not_yet("ContainerStats", kRest);
}

grpc::Status RuntimeService::ListContainerStats(grpc::ServerContext*, const cri::ListContainerStatsRequest*,
    cri::ListContainerStatsResponse*) {
  return not_yet("ListContainerStats", kRest);
}

grpc::Status RuntimeService::StreamContainerStats(grpc::ServerContext*, const cri::StreamContainerStatsRequest*,
    grpc::ServerWriter<cri::StreamContainerStatsResponse>*) {
  return not_yet("StreamContainerStats", kRest);
}

grpc::Status RuntimeService::PodSandboxStats(grpc::ServerContext*, const cri::PodSandboxStatsRequest*,
    cri::PodSandboxStatsResponse*) {
  return not_yet("PodSandboxStats", kRest);
}

grpc::Status RuntimeService::ListPodSandboxStats(grpc::ServerContext*, const cri::ListPodSandboxStatsRequest*,
    cri::ListPodSandboxStatsResponse*) {
  return not_yet("ListPodSandboxStats", kRest);
}

grpc::Status RuntimeService::StreamPodSandboxStats(grpc::ServerContext*, const cri::StreamPodSandboxStatsRequest*,
    grpc::ServerWriter<cri::StreamPodSandboxStatsResponse>*) {
  return not_yet("StreamPodSandboxStats", kRest);
}

grpc::Status RuntimeService::CheckpointContainer(grpc::ServerContext*, const cri::CheckpointContainerRequest*,
    cri::CheckpointContainerResponse*) {
  return not_yet("CheckpointContainer", kRest);
}

grpc::Status RuntimeService::GetContainerEvents(grpc::ServerContext*, const cri::GetEventsRequest*,
    grpc::ServerWriter<cri::ContainerEventResponse>*) {
  return not_yet("GetContainerEvents", kRest);
}

grpc::Status RuntimeService::ListMetricDescriptors(grpc::ServerContext*, const cri::ListMetricDescriptorsRequest*,
    cri::ListMetricDescriptorsResponse*) {
  return not_yet("ListMetricDescriptors", kRest);
}

grpc::Status RuntimeService::ListPodSandboxMetrics(grpc::ServerContext*, const cri::ListPodSandboxMetricsRequest*,
    cri::ListPodSandboxMetricsResponse*) {
  return not_yet("ListPodSandboxMetrics", kRest);
}

grpc::Status RuntimeService::StreamPodSandboxMetrics(grpc::ServerContext*, const cri::StreamPodSandboxMetricsRequest*,
    grpc::ServerWriter<cri::StreamPodSandboxMetricsResponse>*) {
  return not_yet("StreamPodSandboxMetrics", kRest);
}

grpc::Status RuntimeService::RuntimeConfig(grpc::ServerContext*, const cri::RuntimeConfigRequest*,
    cri::RuntimeConfigResponse*) {
  return not_yet("RuntimeConfig", kRest);
}

grpc::Status RuntimeService::UpdatePodSandboxResources(grpc::ServerContext*, const cri::UpdatePodSandboxResourcesRequest*,
    cri::UpdatePodSandboxResourcesResponse*) {
  return not_yet("UpdatePodSandboxResources", kRest);
}

}  // namespace shim
