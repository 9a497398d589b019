#include "agent/remote/cri_client.h"

#include <algorithm>
#include <chrono>

#include "common/grpc_code_name.h"
#include "common/metrics_registry.h"
#include "agent/remote/runtime_endpoint.h"

namespace agent::remote {

namespace {

constexpr int kMaxMessageBytes = 16 * 1024 * 1024;  // as kubelet

// The endpoint (runtime_endpoint.h) in gRPC's form.
std::string grpc_target(const std::string& endpoint) {
  const auto parsed = common::Endpoint::parse(endpoint, kRuntimeEndpointForms);
  return parsed.kind == common::Endpoint::Kind::Unix ? parsed.to_string() : parsed.host_port();
}

}  // namespace

CriClient::CriClient(const std::string& endpoint, common::metrics::Registry& metrics,
                     std::chrono::milliseconds default_timeout)
    : endpoint_(endpoint), metrics_(metrics), default_timeout_(default_timeout) {
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(kMaxMessageBytes);
  args.SetMaxSendMessageSize(kMaxMessageBytes);
  channel_ = grpc::CreateCustomChannel(grpc_target(endpoint), grpc::InsecureChannelCredentials(), args);
  runtime_ = cri::RuntimeService::NewStub(channel_);
  images_ = cri::ImageService::NewStub(channel_);
  metrics_.describe("node_agent_cri_call_duration_seconds", "histogram",
                    "Duration of the CRI calls node-agent made, by method.");
  metrics_.describe("node_agent_cri_call_errors_total", "counter",
                    "CRI calls that failed, by method and gRPC code.");
}

template <typename Call>
grpc::Status CriClient::timed(const char* method, std::chrono::milliseconds timeout, Call&& call) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + (timeout.count() > 0 ? timeout : default_timeout_));
  const auto start = std::chrono::steady_clock::now();
  grpc::Status status = call(context);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  metrics_.observe_seconds("node_agent_cri_call_duration_seconds", {{"method", method}}, seconds);
  if (!status.ok())
    metrics_.add_counter("node_agent_cri_call_errors_total",
                         {{"method", method}, {"code", common::grpc_code_name(status.error_code())}});
  return status;
}

#define CRI_CALL(stub, Method, request, response, timeout) \
  timed(#Method, timeout, [&](grpc::ClientContext& ctx) { return stub->Method(&ctx, request, &response); })

grpc::Status CriClient::version(cri::VersionResponse& out) {
  cri::VersionRequest in;
  in.set_version("v1");
  return CRI_CALL(runtime_, Version, in, out, std::chrono::seconds(10));
}

grpc::Status CriClient::status(cri::StatusResponse& out) {
  cri::StatusRequest in;
  return CRI_CALL(runtime_, Status, in, out, std::chrono::seconds(10));
}

grpc::Status CriClient::runtime_config(cri::RuntimeConfigResponse& out) {
  cri::RuntimeConfigRequest in;
  return CRI_CALL(runtime_, RuntimeConfig, in, out, std::chrono::seconds(10));
}

grpc::Status CriClient::run_pod_sandbox(const cri::RunPodSandboxRequest& in, cri::RunPodSandboxResponse& out) {
  return CRI_CALL(runtime_, RunPodSandbox, in, out, std::chrono::milliseconds(0));
}

grpc::Status CriClient::stop_pod_sandbox(const std::string& id) {
  cri::StopPodSandboxRequest in;
  in.set_pod_sandbox_id(id);
  cri::StopPodSandboxResponse out;
  return CRI_CALL(runtime_, StopPodSandbox, in, out, std::chrono::milliseconds(0));
}

grpc::Status CriClient::remove_pod_sandbox(const std::string& id) {
  cri::RemovePodSandboxRequest in;
  in.set_pod_sandbox_id(id);
  cri::RemovePodSandboxResponse out;
  return CRI_CALL(runtime_, RemovePodSandbox, in, out, std::chrono::milliseconds(0));
}

grpc::Status CriClient::pod_sandbox_status(const std::string& id, cri::PodSandboxStatusResponse& out) {
  cri::PodSandboxStatusRequest in;
  in.set_pod_sandbox_id(id);
  return CRI_CALL(runtime_, PodSandboxStatus, in, out, std::chrono::milliseconds(0));
}

grpc::Status CriClient::list_pod_sandbox(const cri::PodSandboxFilter& filter, cri::ListPodSandboxResponse& out) {
  cri::ListPodSandboxRequest in;
  *in.mutable_filter() = filter;
  return CRI_CALL(runtime_, ListPodSandbox, in, out, std::chrono::milliseconds(0));
}

grpc::Status CriClient::create_container(const cri::CreateContainerRequest& in, cri::CreateContainerResponse& out) {
  return CRI_CALL(runtime_, CreateContainer, in, out, std::chrono::milliseconds(0));
}

grpc::Status CriClient::start_container(const std::string& id) {
  cri::StartContainerRequest in;
  in.set_container_id(id);
  cri::StartContainerResponse out;
  return CRI_CALL(runtime_, StartContainer, in, out, std::chrono::milliseconds(0));
}

grpc::Status CriClient::stop_container(const std::string& id, int64_t timeout_seconds) {
  // A year is grace enough; more would overflow the deadline's arithmetic.
  timeout_seconds = std::clamp<int64_t>(timeout_seconds, 0, 365LL * 24 * 3600);
  cri::StopContainerRequest in;
  in.set_container_id(id);
  in.set_timeout(timeout_seconds);
  cri::StopContainerResponse out;
  return CRI_CALL(runtime_, StopContainer, in, out,
                  default_timeout_ + std::chrono::seconds(timeout_seconds));
}

grpc::Status CriClient::remove_container(const std::string& id) {
  cri::RemoveContainerRequest in;
  in.set_container_id(id);
  cri::RemoveContainerResponse out;
  return CRI_CALL(runtime_, RemoveContainer, in, out, std::chrono::milliseconds(0));
}

grpc::Status CriClient::exec_sync(const std::string& id, const std::vector<std::string>& command,
                                  std::chrono::seconds timeout, cri::ExecSyncResponse& out) {
  timeout = std::clamp<std::chrono::seconds>(timeout, std::chrono::seconds(0), std::chrono::hours(24 * 365));
  cri::ExecSyncRequest in;
  in.set_container_id(id);
  for (const auto& word : command) in.add_cmd(word);
  in.set_timeout(timeout.count());
  return CRI_CALL(runtime_, ExecSync, in, out, default_timeout_ + timeout);
}

grpc::Status CriClient::list_containers(const cri::ContainerFilter& filter, cri::ListContainersResponse& out) {
  cri::ListContainersRequest in;
  *in.mutable_filter() = filter;
  return CRI_CALL(runtime_, ListContainers, in, out, std::chrono::milliseconds(0));
}

grpc::Status CriClient::container_status(const std::string& id, cri::ContainerStatusResponse& out) {
  cri::ContainerStatusRequest in;
  in.set_container_id(id);
  return CRI_CALL(runtime_, ContainerStatus, in, out, std::chrono::milliseconds(0));
}

grpc::Status CriClient::pull_image(const cri::PullImageRequest& in, cri::PullImageResponse& out) {
  // A pull takes as long as it takes; kubelet gives it no deadline either
  // beyond its runtime-request-timeout, which cri-shim's progress rule honours.
  return CRI_CALL(images_, PullImage, in, out, std::chrono::minutes(15));
}

grpc::Status CriClient::image_status(const cri::ImageSpec& image, cri::ImageStatusResponse& out) {
  cri::ImageStatusRequest in;
  *in.mutable_image() = image;
  return CRI_CALL(images_, ImageStatus, in, out, std::chrono::milliseconds(0));
}

grpc::Status CriClient::list_images(cri::ListImagesResponse& out) {
  cri::ListImagesRequest in;
  return CRI_CALL(images_, ListImages, in, out, std::chrono::milliseconds(0));
}

grpc::Status CriClient::remove_image(const std::string& image) {
  cri::RemoveImageRequest in;
  in.mutable_image()->set_image(image);
  cri::RemoveImageResponse out;
  return CRI_CALL(images_, RemoveImage, in, out, std::chrono::milliseconds(0));
}

grpc::Status CriClient::image_fs_info(cri::ImageFsInfoResponse& out) {
  cri::ImageFsInfoRequest in;
  return CRI_CALL(images_, ImageFsInfo, in, out, std::chrono::milliseconds(0));
}

grpc::Status CriClient::status_verbose(cri::StatusResponse& out) {
  cri::StatusRequest in;
  in.set_verbose(true);
  return CRI_CALL(runtime_, Status, in, out, std::chrono::seconds(10));
}

grpc::Status CriClient::list_container_stats(const cri::ContainerStatsFilter& filter,
                                             cri::ListContainerStatsResponse& out) {
  cri::ListContainerStatsRequest in;
  *in.mutable_filter() = filter;
  return CRI_CALL(runtime_, ListContainerStats, in, out, std::chrono::milliseconds(0));
}

grpc::Status CriClient::list_pod_sandbox_stats(const cri::PodSandboxStatsFilter& filter,
                                               cri::ListPodSandboxStatsResponse& out) {
  cri::ListPodSandboxStatsRequest in;
  *in.mutable_filter() = filter;
  return CRI_CALL(runtime_, ListPodSandboxStats, in, out, std::chrono::seconds(30));
}

#undef CRI_CALL

grpc::Status CriClient::watch_container_events(
    grpc::ClientContext& context, const std::function<bool(const cri::ContainerEventResponse&)>& on_event) {
  cri::GetEventsRequest in;
  auto reader = runtime_->GetContainerEvents(&context, in);
  cri::ContainerEventResponse event;
  while (reader->Read(&event)) {
    if (!on_event(event)) {
      context.TryCancel();
      break;
    }
  }
  return reader->Finish();
}

}  // namespace agent::remote
