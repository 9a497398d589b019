#include "agent/gc/container_gc.h"

#include <chrono>
#include <filesystem>
#include <set>

#include <spdlog/spdlog.h>

#include "common/metrics_registry.h"
#include "agent/remote/cri_client.h"
#include "agent/runtime/runtime_labels.h"

namespace agent::gc {

namespace fs = std::filesystem;

namespace {

// A kill that gets the runtime's attention but does not wait long: kubelet
// gives a container of unknown state its minimum grace period, 2 s.
constexpr int64_t kUnknownStateGraceSeconds = 2;

int64_t wall_now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

ContainerRunState run_state(cri::ContainerState state) {
  switch (state) {
    case cri::CONTAINER_CREATED: return ContainerRunState::Created;
    case cri::CONTAINER_RUNNING: return ContainerRunState::Running;
    case cri::CONTAINER_EXITED: return ContainerRunState::Exited;
    default: return ContainerRunState::Unknown;
  }
}

bool done(const grpc::Status& status) { return status.ok() || status.error_code() == grpc::StatusCode::NOT_FOUND; }

// Whether `path` is inside `root` (both made absolute and normal, no "..").
bool inside(const fs::path& path, const fs::path& root) {
  const fs::path p = path.lexically_normal();
  const fs::path r = root.lexically_normal();
  if (!p.is_absolute() || !r.is_absolute()) return false;
  auto pi = p.begin();
  for (auto ri = r.begin(); ri != r.end(); ++ri, ++pi) {
    if (ri->empty()) continue;  // a trailing '/'
    if (pi == p.end() || *pi != *ri) return false;
  }
  return pi != p.end();
}

}  // namespace

ContainerGc::ContainerGc(remote::CriClient& cri, ContainerGcConfig config, common::metrics::Registry* metrics)
    : cri_(cri), config_(std::move(config)), metrics_(metrics) {
  if (!config_.now_ns) config_.now_ns = wall_now_ns;
  if (metrics_ != nullptr) {
    metrics_->describe("node_agent_container_gc_removed_total", "counter",
                       "What container GC removed, by kind (container, sandbox, log_dir).");
    metrics_->describe("node_agent_container_gc_failures_total", "counter", "Removals container GC could not make.");
    metrics_->describe("node_agent_container_gc_duration_seconds", "histogram", "Duration of one container GC pass.");
  }
}

ContainerGcResult ContainerGc::collect(bool evict_terminated) {
  std::lock_guard lock(mutex_);
  const auto start = std::chrono::steady_clock::now();
  ContainerGcResult result;

  GcConditions when;
  when.now_ns = config_.now_ns();
  when.all_sources_ready = !config_.all_sources_ready || config_.all_sources_ready();
  when.evict_terminated = evict_terminated;

  cri::ContainerFilter container_filter;
  runtime::select_managed(container_filter, config_.node_name);
  cri::ListContainersResponse listed_containers;
  cri::PodSandboxFilter sandbox_filter;
  runtime::select_managed(sandbox_filter, config_.node_name);
  cri::ListPodSandboxResponse listed_sandboxes;
  if (auto status = cri_.list_containers(container_filter, listed_containers); !status.ok()) {
    spdlog::warn("container GC: cannot list containers: {}", status.error_message());
    return result;
  }
  if (auto status = cri_.list_pod_sandbox(sandbox_filter, listed_sandboxes); !status.ok()) {
    spdlog::warn("container GC: cannot list pod sandboxes: {}", status.error_message());
    return result;
  }
  result.listed = true;

  std::vector<ContainerInfo> containers;
  for (const auto& c : listed_containers.containers())
    containers.push_back(ContainerInfo{c.id(), runtime::label_value(c.labels(), runtime::kPodUidLabel),
                                       c.metadata().name(), c.pod_sandbox_id(), run_state(c.state()),
                                       c.created_at()});
  std::vector<SandboxInfo> sandboxes;
  for (const auto& s : listed_sandboxes.items())
    sandboxes.push_back(SandboxInfo{s.id(), s.metadata().uid(), s.state() == cri::SANDBOX_READY, s.created_at()});

  std::set<std::string> removed;
  for (const auto& removal : containers_to_remove(containers, config_.policy, when, config_.presence)) {
    if (remove_container(removal)) {
      removed.insert(removal.id);
      ++result.containers_removed;
    } else {
      ++result.failures;
    }
  }
  // A sandbox is judged on the containers that are really left: one whose
  // container could not be removed keeps its sandbox.
  std::erase_if(containers, [&](const ContainerInfo& c) { return removed.count(c.id) > 0; });
  for (const auto& id : sandboxes_to_remove(sandboxes, containers, when, config_.presence)) {
    if (remove_sandbox(id)) ++result.sandboxes_removed;
    else ++result.failures;
  }

  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(config_.pods_log_root, ec))
    if (entry.is_directory(ec)) names.push_back(entry.path().filename().string());
  for (const auto& name : log_dirs_to_remove(names, when, config_.presence)) {
    std::error_code rm;
    fs::remove_all(fs::path(config_.pods_log_root) / name, rm);
    if (rm) {
      spdlog::warn("container GC: cannot remove the log directory {} of a pod that is gone: {}", name, rm.message());
      ++result.failures;
    } else {
      spdlog::info("container GC: removed the log directory {} of a pod that is gone", name);
      ++result.log_dirs_removed;
    }
  }

  if (metrics_ != nullptr) {
    metrics_->add_counter("node_agent_container_gc_removed_total", {{"kind", "container"}}, result.containers_removed);
    metrics_->add_counter("node_agent_container_gc_removed_total", {{"kind", "sandbox"}}, result.sandboxes_removed);
    metrics_->add_counter("node_agent_container_gc_removed_total", {{"kind", "log_dir"}}, result.log_dirs_removed);
    metrics_->add_counter("node_agent_container_gc_failures_total", {}, result.failures);
    metrics_->observe_seconds("node_agent_container_gc_duration_seconds", {},
                              std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  if (result.containers_removed + result.sandboxes_removed + result.log_dirs_removed + result.failures > 0)
    spdlog::info("container GC: removed {} containers, {} sandboxes, {} log directories; {} removals failed",
                 result.containers_removed, result.sandboxes_removed, result.log_dirs_removed, result.failures);
  return result;
}

bool ContainerGc::remove_container(const ContainerRemoval& removal) {
  if (removal.stop_first) {
    auto status = cri_.stop_container(removal.id, kUnknownStateGraceSeconds);
    if (!done(status)) {
      spdlog::warn("container GC: container {} in unknown state: cannot stop it: {}", removal.id,
                   status.error_message());
      return false;
    }
  }
  // The log file first, while the runtime still says where it is: it is the
  // client's, not the runtime's (kubelet's removeContainerLog).
  remove_log_file(removal.id);
  auto status = cri_.remove_container(removal.id);
  if (!done(status)) {
    spdlog::warn("container GC: cannot remove container {}: {}", removal.id, status.error_message());
    return false;
  }
  spdlog::debug("container GC: removed container {}", removal.id);
  return true;
}

void ContainerGc::remove_log_file(const std::string& container_id) {
  cri::ContainerStatusResponse status;
  if (!cri_.container_status(container_id, status).ok()) return;
  const std::string& path = status.status().log_path();
  if (path.empty() || !inside(path, config_.pods_log_root)) return;
  std::error_code ec;
  fs::remove(path, ec);
  if (ec) spdlog::warn("container GC: cannot remove {}'s log {}: {}", container_id, path, ec.message());
}

bool ContainerGc::remove_sandbox(const std::string& id) {
  auto status = cri_.stop_pod_sandbox(id);
  if (done(status)) status = cri_.remove_pod_sandbox(id);
  if (!done(status)) {
    spdlog::warn("container GC: cannot remove pod sandbox {}: {}", id, status.error_message());
    return false;
  }
  spdlog::debug("container GC: removed pod sandbox {}", id);
  return true;
}

}  // namespace agent::gc
