#include "shim/runtime/runtime_service.h"

#include "shim/sandbox/sandbox_view.h"
#include "shim/server/call.h"
#include "shim/state/object_lookup.h"

namespace shim {

RuntimeService::RuntimeService(docker::Client& docker, ImageStore& images, const RuntimeSettings& settings)
    : docker_(docker),
      images_(images),
      infra_image_(docker, settings.pod_infra_image),
      host_(settings.host),
      logs_(docker, settings.state_dir),
      store_(docker, {}),
      sandbox_entries_([](const docker::ContainerInspect& inspect, const std::string&, cri::PodSandbox* out) {
        return fill_pod_sandbox(inspect, out);
      }),
      // The variant is the image name the container reports now (its tags may change).
      container_entries_([](const docker::ContainerInspect& inspect, const std::string& image, cri::Container* out) {
        if (!fill_container(inspect, out)) return false;
        out->mutable_image()->set_image(image);
        return true;
      }),
      container_statuses_(
          [](const docker::ContainerInspect& inspect, const std::string& image, cri::ContainerStatus* out) {
            fill_container_status_from_inspect(inspect, out);  // throws INTERNAL without metadata
            out->mutable_image()->set_image(image);
            return true;
          }),
      streaming_(docker, settings.streaming),
      container_events_(docker) {
  if (settings.cni) cni_ = std::make_unique<network::CniNetwork>(*settings.cni);
}

RepoTagLookup RuntimeService::repo_tags(const docker::CallOptions& options) {
  return [this, options](const std::string& image_id) -> std::optional<std::string> {
    try {
      return images_.first_repo_tag(image_id, options);
    } catch (const docker::DockerError&) {
      return std::nullopt;
    }
  };
}

ContainerStore::Record RuntimeService::require(std::string_view id, DockerObjectKind kind,
                                               std::string_view field, const docker::CallOptions& options) {
  return require_object(store_, id, kind, field, options);
}

std::string RuntimeService::stream_url(streaming::StreamRequest request) {
  try {
    return streaming_.url_for(std::move(request));
  } catch (const streaming::TooManyPendingStreams& e) {
    throw CriError(grpc::StatusCode::RESOURCE_EXHAUSTED, e.what());
  }
}

void RuntimeService::resume_container_logs() { logs_.resume_all(); }

void RuntimeService::expect_container_log_resume() { logs_.expect_resume(); }

void RuntimeService::begin_shutdown() { container_events_.shutdown(); }

RuntimeService::Load RuntimeService::load() { return {store_.counters(), logs_.load(), streaming_.load()}; }

RuntimeService::~RuntimeService() = default;

grpc::Status RuntimeService::run(const std::string& what, const std::function<void()>& body) {
  return run_call(what, docker_.endpoint().to_string(), body);
}

std::string RuntimeService::cgroup_driver(const docker::CallOptions& options) {
  std::lock_guard lock(facts_mutex_);
  if (cgroup_driver_.empty()) {
    cgroup_driver_ = docker_.info(options).cgroup_driver;
    if (cgroup_driver_.empty()) cgroup_driver_ = "cgroupfs";
  }
  return cgroup_driver_;
}

}  // namespace shim
