// node-agent's one door to the container runtime: CRI v1 over gRPC, nothing
// else (the agent never talks to dockerd). Any CRI runtime will do: cri-shim,
// containerd, CRI-O.
//
// Contract:
// - Thread-safe; every call is synchronous, with a deadline (`timeout`, or
//   the client's default), and returns the gRPC status, never throws for an
//   RPC failure.
// - Every call's latency is recorded in the metrics registry as
//   `node_agent_cri_call_duration_seconds{method="<Method>"}` and failures in
//   `node_agent_cri_call_errors_total{method,code}`.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include <grpcpp/grpcpp.h>

#include "runtime/v1/api.h"

namespace agent::metrics {
class Registry;
}

namespace agent::cri {

namespace v1 = ::runtime::v1;

class CriClient {
 public:
  // `endpoint` is "unix:///path" or "/path" (taken as a unix socket).
  CriClient(const std::string& endpoint, metrics::Registry& metrics,
            std::chrono::milliseconds default_timeout = std::chrono::minutes(2));

  const std::string& endpoint() const { return endpoint_; }

  // One method per CRI call the agent makes. `timeout` 0 = the default.
  grpc::Status version(v1::VersionResponse& out);
  grpc::Status status(v1::StatusResponse& out);
  grpc::Status run_pod_sandbox(const v1::RunPodSandboxRequest& in, v1::RunPodSandboxResponse& out);
  grpc::Status stop_pod_sandbox(const std::string& id);
  grpc::Status remove_pod_sandbox(const std::string& id);
  grpc::Status pod_sandbox_status(const std::string& id, v1::PodSandboxStatusResponse& out);
  grpc::Status list_pod_sandbox(const v1::PodSandboxFilter& filter, v1::ListPodSandboxResponse& out);
  grpc::Status create_container(const v1::CreateContainerRequest& in, v1::CreateContainerResponse& out);
  grpc::Status start_container(const std::string& id);
  // timeout_seconds is the CRI grace (0 = kill at once); the RPC deadline is
  // that grace plus the default.
  grpc::Status stop_container(const std::string& id, int64_t timeout_seconds);
  grpc::Status remove_container(const std::string& id);
  grpc::Status list_containers(const v1::ContainerFilter& filter, v1::ListContainersResponse& out);
  grpc::Status container_status(const std::string& id, v1::ContainerStatusResponse& out);
  grpc::Status pull_image(const v1::PullImageRequest& in, v1::PullImageResponse& out);
  grpc::Status image_status(const v1::ImageSpec& image, v1::ImageStatusResponse& out);

  // A GetContainerEvents stream; `on_event` runs for each event until it
  // returns false, the stream ends, or `context` is cancelled (from another
  // thread: context->TryCancel()). Returns the stream's final status.
  grpc::Status watch_container_events(grpc::ClientContext& context,
                                      const std::function<bool(const v1::ContainerEventResponse&)>& on_event);

 private:
  template <typename Call>
  grpc::Status timed(const char* method, std::chrono::milliseconds timeout, Call&& call);

  std::string endpoint_;
  metrics::Registry& metrics_;
  std::chrono::milliseconds default_timeout_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::RuntimeService::Stub> runtime_;
  std::unique_ptr<v1::ImageService::Stub> images_;
};

}  // namespace agent::cri
