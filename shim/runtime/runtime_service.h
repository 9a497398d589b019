// CRI RuntimeService on Docker. One file per RPC, as in containerd's CRI
// server: version.cc, status.cc, ... Construction binds the streaming
// server (throws std::system_error when it cannot). Every method of
// runtime.v1 is implemented; none answers UNIMPLEMENTED
// (tests/integration/runtime_rest_test.cc holds that).
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "docker-client/client.h"
#include "runtime/v1/api.h"
#include "shim/container/container_view.h"
#include "shim/container/hugepages.h"
#include "shim/state/image_store.h"
#include "shim/events/container_event_source.h"
#include "shim/logs/log_manager.h"
#include "shim/network/cni_network.h"
#include "shim/sandbox/infra_image.h"
#include "shim/security/host_security.h"
#include "shim/state/container_store.h"
#include "shim/runtime/full_list_cache.h"
#include "shim/runtime/process_user_cache.h"
#include "shim/runtime/record_view_cache.h"
#include "shim/runtime/stats_reads.h"
#include "shim/stats/stats_collector.h"
#include "shim/streaming/streaming_server.h"

namespace shim {

// What the runtime side is configured with (from options.h).
struct RuntimeSettings {
  std::string pod_infra_image;
  security::HostSecurity host;  // probed at start-up
  std::string state_dir;        // --root-dir: log-follow positions (CNI keeps its own under it)
  streaming::StreamingServerOptions streaming;
  // --network-plugin=cni: the CNI chain; none = Docker's bridge network.
  std::optional<network::CniSettings> cni;
};

class RuntimeService final : public cri::RuntimeService::Service {
 public:
  // `images` (shared with the ImageService) must outlive the service.
  RuntimeService(docker::Client& docker, ImageStore& images, const RuntimeSettings& settings);
  ~RuntimeService() override;

  // Start-up, after serving began: resume copying every container's log
  // from where its file ends (output made while the shim was down included).
  void resume_container_logs();
  // Start-up, before serving: resume_container_logs() is to come, so
  // ContainerStatus waits for it before it trusts that an exited
  // container's log is complete (LogManager::wait_drained).
  void expect_container_log_resume();
  // Shutdown has begun (SIGTERM): ends the streams that would otherwise run
  // until the grace period cancels them (GetContainerEvents).
  void begin_shutdown();

  // What the service holds and has done, for --metrics-address (never
  // calls Docker).
  struct Load {
    ContainerStore::Counters store;
    LogManager::Load logs;
    streaming::StreamingServer::Load streaming;
  };
  Load load();

  grpc::Status Version(grpc::ServerContext* context, const cri::VersionRequest* request,
      cri::VersionResponse* response) override;
  grpc::Status RunPodSandbox(grpc::ServerContext* context, const cri::RunPodSandboxRequest* request,
      cri::RunPodSandboxResponse* response) override;
  grpc::Status StopPodSandbox(grpc::ServerContext* context, const cri::StopPodSandboxRequest* request,
      cri::StopPodSandboxResponse* response) override;
  grpc::Status RemovePodSandbox(grpc::ServerContext* context, const cri::RemovePodSandboxRequest* request,
      cri::RemovePodSandboxResponse* response) override;
  grpc::Status PodSandboxStatus(grpc::ServerContext* context, const cri::PodSandboxStatusRequest* request,
      cri::PodSandboxStatusResponse* response) override;
  grpc::Status ListPodSandbox(grpc::ServerContext* context, const cri::ListPodSandboxRequest* request,
      cri::ListPodSandboxResponse* response) override;
  grpc::Status StreamPodSandboxes(grpc::ServerContext* context, const cri::StreamPodSandboxesRequest* request,
      grpc::ServerWriter<cri::StreamPodSandboxesResponse>* writer) override;
  grpc::Status CreateContainer(grpc::ServerContext* context, const cri::CreateContainerRequest* request,
      cri::CreateContainerResponse* response) override;
  grpc::Status StartContainer(grpc::ServerContext* context, const cri::StartContainerRequest* request,
      cri::StartContainerResponse* response) override;
  grpc::Status StopContainer(grpc::ServerContext* context, const cri::StopContainerRequest* request,
      cri::StopContainerResponse* response) override;
  grpc::Status RemoveContainer(grpc::ServerContext* context, const cri::RemoveContainerRequest* request,
      cri::RemoveContainerResponse* response) override;
  grpc::Status ListContainers(grpc::ServerContext* context, const cri::ListContainersRequest* request,
      cri::ListContainersResponse* response) override;
  grpc::Status StreamContainers(grpc::ServerContext* context, const cri::StreamContainersRequest* request,
      grpc::ServerWriter<cri::StreamContainersResponse>* writer) override;
  grpc::Status ContainerStatus(grpc::ServerContext* context, const cri::ContainerStatusRequest* request,
      cri::ContainerStatusResponse* response) override;
  grpc::Status UpdateContainerResources(grpc::ServerContext* context, const cri::UpdateContainerResourcesRequest* request,
      cri::UpdateContainerResourcesResponse* response) override;
  grpc::Status ReopenContainerLog(grpc::ServerContext* context, const cri::ReopenContainerLogRequest* request,
      cri::ReopenContainerLogResponse* response) override;
  grpc::Status ExecSync(grpc::ServerContext* context, const cri::ExecSyncRequest* request,
      cri::ExecSyncResponse* response) override;
  grpc::Status Exec(grpc::ServerContext* context, const cri::ExecRequest* request,
      cri::ExecResponse* response) override;
  grpc::Status Attach(grpc::ServerContext* context, const cri::AttachRequest* request,
      cri::AttachResponse* response) override;
  grpc::Status PortForward(grpc::ServerContext* context, const cri::PortForwardRequest* request,
      cri::PortForwardResponse* response) override;
  grpc::Status ContainerStats(grpc::ServerContext* context, const cri::ContainerStatsRequest* request,
      cri::ContainerStatsResponse* response) override;
  grpc::Status ListContainerStats(grpc::ServerContext* context, const cri::ListContainerStatsRequest* request,
      cri::ListContainerStatsResponse* response) override;
  grpc::Status StreamContainerStats(grpc::ServerContext* context, const cri::StreamContainerStatsRequest* request,
      grpc::ServerWriter<cri::StreamContainerStatsResponse>* writer) override;
  grpc::Status PodSandboxStats(grpc::ServerContext* context, const cri::PodSandboxStatsRequest* request,
      cri::PodSandboxStatsResponse* response) override;
  grpc::Status ListPodSandboxStats(grpc::ServerContext* context, const cri::ListPodSandboxStatsRequest* request,
      cri::ListPodSandboxStatsResponse* response) override;
  grpc::Status StreamPodSandboxStats(grpc::ServerContext* context, const cri::StreamPodSandboxStatsRequest* request,
      grpc::ServerWriter<cri::StreamPodSandboxStatsResponse>* writer) override;
  grpc::Status UpdateRuntimeConfig(grpc::ServerContext* context, const cri::UpdateRuntimeConfigRequest* request,
      cri::UpdateRuntimeConfigResponse* response) override;
  grpc::Status Status(grpc::ServerContext* context, const cri::StatusRequest* request,
      cri::StatusResponse* response) override;
  grpc::Status CheckpointContainer(grpc::ServerContext* context, const cri::CheckpointContainerRequest* request,
      cri::CheckpointContainerResponse* response) override;
  grpc::Status GetContainerEvents(grpc::ServerContext* context, const cri::GetEventsRequest* request,
      grpc::ServerWriter<cri::ContainerEventResponse>* writer) override;
  grpc::Status ListMetricDescriptors(grpc::ServerContext* context, const cri::ListMetricDescriptorsRequest* request,
      cri::ListMetricDescriptorsResponse* response) override;
  grpc::Status ListPodSandboxMetrics(grpc::ServerContext* context, const cri::ListPodSandboxMetricsRequest* request,
      cri::ListPodSandboxMetricsResponse* response) override;
  grpc::Status StreamPodSandboxMetrics(grpc::ServerContext* context, const cri::StreamPodSandboxMetricsRequest* request,
      grpc::ServerWriter<cri::StreamPodSandboxMetricsResponse>* writer) override;
  grpc::Status RuntimeConfig(grpc::ServerContext* context, const cri::RuntimeConfigRequest* request,
      cri::RuntimeConfigResponse* response) override;
  grpc::Status UpdatePodSandboxResources(grpc::ServerContext* context, const cri::UpdatePodSandboxResourcesRequest* request,
      cri::UpdatePodSandboxResourcesResponse* response) override;

 private:
  grpc::Status run(const std::string& what, const std::function<void()>& body);
  // What ListPodSandbox / ListContainers answer, serialized as well
  // (record_view_cache.h); their Stream twins page it.
  using SandboxEntry = std::shared_ptr<const RecordViewCache<cri::PodSandbox>::Built>;
  using ContainerEntry = std::shared_ptr<const RecordViewCache<cri::Container>::Built>;
  std::vector<SandboxEntry> list_pod_sandboxes(const cri::PodSandboxFilter& filter,
                                               const docker::CallOptions& options);
  std::vector<ContainerEntry> list_containers(const cri::ContainerFilter& filter,
                                              const docker::CallOptions& options);
  // The unfiltered lists (kubelet's relist), kept whole between changes
  // (full_list_cache.h).
  FullListCache::ItemsPtr full_sandbox_list(const docker::CallOptions& options);
  FullListCache::ItemsPtr full_container_list(const docker::CallOptions& options);
  // The sandbox or container `id` names (full ID or unique prefix), from
  // the container store; CriError NOT_FOUND, or INVALID_ARGUMENT naming
  // `field` when empty.
  ContainerStore::Record require(std::string_view id, DockerObjectKind kind, std::string_view field,
                                 const docker::CallOptions& options);
  // The status of `container` as the store holds it, built once per record
  // and image name (container_status.cc); prepare_container_status builds
  // it ahead of the ContainerStatus that follows a start or a stop, and
  // never throws (a status that cannot be built is that call's error).
  std::shared_ptr<const RecordViewCache<cri::ContainerStatus>::Built> container_status_view(
      const ContainerStore::Record& container, const docker::CallOptions& options);
  void prepare_container_status(const ContainerStore::Record& container, const docker::CallOptions& options);
  // Image names for container statuses (container_view.h's reported_image),
  // from the image store; a Docker failure there leaves the ID.
  RepoTagLookup repo_tags(const docker::CallOptions& options);
  // The lowest oom_score_adj the shim may give (security/host_security.h).
  int oom_score_adj_floor() const;
  void apply_container_security_options(const cri::LinuxContainerSecurityContext& security,
                                        docker::HostConfig& host) const;
  // Container logs (logs/log_manager.h).
  void create_log_file(const std::string& path) const;
  void follow_container_log(const std::string& id, const std::string& path, bool tty);
  void wait_for_container_log(const std::string& id);
  void reopen_container_log(const std::string& id);
  void forget_container_log(const std::string& id);
  // Hugepage limits have no Docker field: written to the cgroup after start.
  // `container` as it runs (its pid): after start, and after an update.
  void apply_hugepage_limits(const docker::ContainerInspect& container);
  void write_hugepage_limits_of(const docker::ContainerInspect& container, const HugepageLimits& limits);
  // A one-time URL for `request` on the streaming server. Throws CriError
  // RESOURCE_EXHAUSTED when too many URLs wait for their client.
  std::string stream_url(streaming::StreamRequest request);
  // Docker's engine version, asked once per event connection (version.cc).
  std::string docker_engine_version(const docker::CallOptions& options);
  // Docker's cgroup driver ("cgroupfs" | "systemd"), asked once.
  std::string cgroup_driver(const docker::CallOptions& options);
  // What the stats and metrics calls read from (runtime/stats_reads.h).
  StatsSources stats_sources() { return {docker_, store_, stats_, layer_dirs_}; }
  // Pod networking (pod_network.cc). With CNI: attach the running sandbox
  // (throws CriError; the caller's undo detaches), detach it (idempotent),
  // its stored addresses. Without CNI these do nothing / nullopt.
  bool uses_cni() const { return cni_ != nullptr; }
  void attach_pod_network(const std::string& sandbox_id, const cri::PodSandboxConfig& config,
                          const docker::CallOptions& options);
  void detach_pod_network(const std::string& sandbox_id, const docker::CallOptions& options);
  std::optional<network::PodIps> cni_pod_ips(const std::string& sandbox_id) const;
  std::string pod_cidr();

  docker::Client& docker_;
  ImageStore& images_;
  InfraImage infra_image_;
  const security::HostSecurity host_;
  LogManager logs_;
  // Every sandbox and container as Docker shows it, in memory: the lists
  // and statuses kubelet asks for all the time cost dockerd nothing.
  ContainerStore store_;
  RecordViewCache<cri::PodSandbox> sandbox_entries_;   // what ListPodSandbox copies
  RecordViewCache<cri::Container> container_entries_;  // what ListContainers copies
  FullListCache full_sandbox_list_, full_container_list_;  // their unfiltered answers
  RecordViewCache<cri::ContainerStatus> container_statuses_;  // what ContainerStatus copies
  ProcessUserCache process_users_;                            // and the user it adds
  streaming::StreamingServer streaming_;  // exec, attach, port-forward URLs
  events::ContainerEventSource container_events_;  // GetContainerEvents
  std::mutex facts_mutex_;
  std::string cgroup_driver_;  // guarded by facts_mutex_; "" until asked
  std::string engine_version_;  // guarded by facts_mutex_; asked on the store's connection:
  std::uint64_t engine_version_connection_ = 0;
  stats::StatsCollector stats_;  // cgroup and /proc readings, CPU samples
  stats::LayerDirs layer_dirs_;  // writable layers by container ID
  std::string pod_cidr_;       // guarded by facts_mutex_; from UpdateRuntimeConfig
  HugepageWarnings hugepage_warnings_;  // limits this host cannot apply, said once per size
  std::unique_ptr<network::CniNetwork> cni_;  // null: Docker's bridge network
};

}  // namespace shim
