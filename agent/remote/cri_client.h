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
#include <vector>

#include <grpcpp/grpcpp.h>

#include "runtime/v1/api.h"

namespace common::metrics {
class Registry;
}

namespace agent::remote {

class CriClient {
 public:
  // `endpoint` is "unix:///path" or "/path" (taken as a unix socket).
  CriClient(const std::string& endpoint, common::metrics::Registry& metrics,
            std::chrono::milliseconds default_timeout = std::chrono::minutes(2));

  const std::string& endpoint() const { return endpoint_; }

  // One method per CRI call the agent makes. `timeout` 0 = the default.
  grpc::Status version(cri::VersionResponse& out);
  grpc::Status status(cri::StatusResponse& out);
  // The runtime's cgroup driver (kubelet asks it when --cgroup-driver is not
  // given); a runtime without the call answers UNIMPLEMENTED.
  grpc::Status runtime_config(cri::RuntimeConfigResponse& out);
  grpc::Status run_pod_sandbox(const cri::RunPodSandboxRequest& in, cri::RunPodSandboxResponse& out);
  grpc::Status stop_pod_sandbox(const std::string& id);
  grpc::Status remove_pod_sandbox(const std::string& id);
  grpc::Status pod_sandbox_status(const std::string& id, cri::PodSandboxStatusResponse& out);
  grpc::Status list_pod_sandbox(const cri::PodSandboxFilter& filter, cri::ListPodSandboxResponse& out);
  grpc::Status create_container(const cri::CreateContainerRequest& in, cri::CreateContainerResponse& out);
  grpc::Status start_container(const std::string& id);
  // timeout_seconds is the CRI grace (0 = kill at once); the RPC deadline is
  // that grace plus the default.
  grpc::Status stop_container(const std::string& id, int64_t timeout_seconds);
  grpc::Status remove_container(const std::string& id);
  grpc::Status list_containers(const cri::ContainerFilter& filter, cri::ListContainersResponse& out);
  grpc::Status container_status(const std::string& id, cri::ContainerStatusResponse& out);
  // `timeout` is ExecSync's own (the runtime ends the command then); the
  // RPC deadline is that plus the default, as kubelet's, so the runtime has
  // time to report the timeout.
  grpc::Status exec_sync(const std::string& id, const std::vector<std::string>& command,
                         std::chrono::seconds timeout, cri::ExecSyncResponse& out);
  grpc::Status pull_image(const cri::PullImageRequest& in, cri::PullImageResponse& out);
  grpc::Status image_status(const cri::ImageSpec& image, cri::ImageStatusResponse& out);
  // The pod stats the stats summary reads (stats/).
  grpc::Status list_pod_sandbox_stats(const cri::PodSandboxStatsFilter& filter, cri::ListPodSandboxStatsResponse& out);
  // Image GC (images/image_gc_manager.h): every image, one removed by ID,
  // and the image filesystem's usage.
  grpc::Status list_images(cri::ListImagesResponse& out);
  grpc::Status remove_image(const std::string& image);
  grpc::Status image_fs_info(cri::ImageFsInfoResponse& out);
  // Status with verbose info (the runtime's config, e.g. its sandbox image).
  grpc::Status status_verbose(cri::StatusResponse& out);
  // The stats calls the node managers read (eviction, stats summary).
  grpc::Status list_container_stats(const cri::ContainerStatsFilter& filter, cri::ListContainerStatsResponse& out);
  // image_fs_info: declared above with image GC's calls.

  // A GetContainerEvents stream; `on_event` runs for each event until it
  // returns false, the stream ends, or `context` is cancelled (from another
  // thread: context->TryCancel()). Returns the stream's final status.
  grpc::Status watch_container_events(grpc::ClientContext& context,
                                      const std::function<bool(const cri::ContainerEventResponse&)>& on_event);

 private:
  template <typename Call>
  grpc::Status timed(const char* method, std::chrono::milliseconds timeout, Call&& call);

  std::string endpoint_;
  common::metrics::Registry& metrics_;
  std::chrono::milliseconds default_timeout_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<cri::RuntimeService::Stub> runtime_;
  std::unique_ptr<cri::ImageService::Stub> images_;
};

}  // namespace agent::remote
