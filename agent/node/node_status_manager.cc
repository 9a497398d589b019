#include "agent/node/node_status_manager.h"

#include <spdlog/spdlog.h>

#include "agent/node/node_status.h"
#include "agent/remote/cri_client.h"

namespace agent::node {

namespace {

int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

NodeStatusManager::NodeStatusManager(remote::CriClient& cri, NodeStatusConfig config, NodeStatusSources sources)
    : cri_(cri), config_(std::move(config)), system_info_(read_system_info()), creation_ns_(now_ns()),
      sources_(std::move(sources)) {
  system_info_.kubelet_version = config_.kubelet_version;
  system_info_.kube_proxy_version = config_.kubelet_version;  // kubelet reports its own (deprecated field)
}

NodeStatusManager::~NodeStatusManager() { stop(); }

void NodeStatusManager::set_listener(std::function<void(const nlohmann::json&)> listener) {
  std::lock_guard lock(mutex_);
  listener_ = std::move(listener);
}

void NodeStatusManager::set_on_ready(std::function<void()> on_ready) {
  std::lock_guard lock(mutex_);
  on_ready_ = std::move(on_ready);
}

void NodeStatusManager::set_pressure_source(std::function<NodePressure()> pressure) {
  std::lock_guard lock(mutex_);
  sources_.pressure = std::move(pressure);
}

void NodeStatusManager::set_kubelet_port(int port) {
  std::lock_guard lock(mutex_);
  config_.kubelet_port = port;
}

void NodeStatusManager::start() {
  update();
  std::lock_guard lock(loop_mutex_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { run(); });
}

void NodeStatusManager::stop() {
  {
    std::lock_guard lock(loop_mutex_);
    stopping_ = true;
  }
  loop_wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void NodeStatusManager::run() {
  std::unique_lock lock(loop_mutex_);
  while (!stopping_) {
    loop_wake_.wait_for(lock, config_.update_period, [this] { return stopping_; });
    if (stopping_) break;
    lock.unlock();
    update();
    lock.lock();
  }
}

void NodeStatusManager::check_runtime(int64_t) {
  // Version: containerRuntimeVersion; Status: Ready (kubelet's updateRuntimeUp).
  cri::VersionResponse version;
  const bool version_ok = cri_.version(version).ok();
  cri::StatusResponse status;
  const grpc::Status status_result = cri_.status(status);
  std::lock_guard lock(mutex_);
  if (version_ok) runtime_version_ = version.runtime_name() + "://" + version.runtime_version();
  const auto now = std::chrono::steady_clock::now();
  if (status_result.ok()) {
    apply_runtime_status(status, runtime_);
    last_status_ok_ = now;
  } else if (runtime_.status_checked && now - last_status_ok_ >= config_.runtime_down_after) {
    if (!runtime_.runtime_down)
      spdlog::warn("node status: the runtime has not answered Status for {} s: {}",
                   std::chrono::duration_cast<std::chrono::seconds>(now - last_status_ok_).count(),
                   status_result.error_message());
    runtime_.runtime_down = true;
  }
}

void NodeStatusManager::update() {
  std::lock_guard one_at_a_time(update_mutex_);
  const int64_t now = now_ns();
  const auto blocked_before = pod_start_blocker(false);
  check_runtime(now);

  cri::ListImagesResponse images;
  const bool images_ok = cri_.list_images(images).ok();
  NodeStatusSources sources;
  {
    std::lock_guard lock(mutex_);
    sources = sources_;
  }
  const ResourceMaps resources = sources.resources ? sources.resources() : ResourceMaps{};
  const NodePressure pressure = sources.pressure ? sources.pressure() : NodePressure{};
  const std::string pleg = sources.pleg_problem ? sources.pleg_problem() : "";

  std::function<void(const nlohmann::json&)> listener;
  std::function<void()> on_ready;
  nlohmann::json node;
  {
    std::lock_guard lock(mutex_);
    const auto steady_now = std::chrono::steady_clock::now();
    if (pleg.empty()) pleg_unhealthy_since_.reset();
    else if (!pleg_unhealthy_since_) pleg_unhealthy_since_ = steady_now;
    const auto unhealthy_for = pleg_unhealthy_since_ ? steady_now - *pleg_unhealthy_since_ : steady_now - steady_now;
    runtime_.pleg_error =
        pleg_unhealthy_since_ && unhealthy_for >= config_.pleg_threshold
            ? "PLEG is not healthy: " + pleg + " for " +
                  std::to_string(std::chrono::duration_cast<std::chrono::seconds>(unhealthy_for).count()) +
                  " s; threshold is " +
                  std::to_string(std::chrono::duration_cast<std::chrono::seconds>(config_.pleg_threshold).count()) + " s"
            : "";
    if (images_ok) images_ = std::move(images);
    const std::string not_ready = not_ready_message(runtime_);
    const bool was_ready = !conditions_.empty() && conditions_.back().status == "True";
    conditions_ = update_conditions(conditions_, pressure, not_ready, now);
    if (was_ready != not_ready.empty()) {
      if (not_ready.empty()) spdlog::info("node {}: Ready", config_.node_name);
      else spdlog::warn("node {}: not Ready: {}", config_.node_name, not_ready);
    }
    NodeStatusInputs in;
    in.node_name = config_.node_name;
    in.hostname = config_.hostname;
    in.host_ip = config_.host_ip;
    in.kubelet_port = config_.kubelet_port;
    in.creation_ns = creation_ns_;
    in.capacity = resources.capacity;
    in.allocatable = resources.allocatable;
    in.conditions = conditions_;
    in.info = system_info_;
    in.info.container_runtime_version = runtime_version_;
    in.images = images_;
    node_ = build_node(in);
    node = node_;
    listener = listener_;
    on_ready = on_ready_;
  }
  if (listener) listener(node);
  if (blocked_before && !pod_start_blocker(false) && on_ready) on_ready();
}

nlohmann::json NodeStatusManager::node() const {
  std::lock_guard lock(mutex_);
  return node_;
}

RuntimeState NodeStatusManager::runtime_state() const {
  std::lock_guard lock(mutex_);
  return runtime_;
}

std::optional<std::string> NodeStatusManager::pod_start_blocker(bool host_network) const {
  std::lock_guard lock(mutex_);
  return node::pod_start_blocker(runtime_, host_network);
}

}  // namespace agent::node
