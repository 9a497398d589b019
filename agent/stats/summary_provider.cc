#include "agent/stats/summary_provider.h"

#include <chrono>
#include <filesystem>
#include <set>

#include <spdlog/spdlog.h>

#include "agent/remote/cri_client.h"
#include "agent/runtime/runtime_labels.h"

namespace agent::stats {

namespace {

int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Only this node's pods: the agent's labels (runtime_labels.h).
template <typename Filter>
void select_node(Filter& filter, const std::string& node_name) {
  (*filter.mutable_label_selector())[runtime::kManagedByLabel] = "true";
  (*filter.mutable_label_selector())[runtime::kNodeNameLabel] = node_name;
}

}  // namespace

SummaryProvider::SummaryProvider(remote::CriClient& cri, std::string node_name, std::string root_dir,
                                 std::string cgroup_root)
    : cri_(cri), node_name_(std::move(node_name)), root_dir_(std::move(root_dir)), cgroup_root_(std::move(cgroup_root)) {}

nlohmann::json SummaryProvider::summary() { return build_summary(read_inputs()); }

SummaryInputs SummaryProvider::read_inputs() {
  SummaryInputs in;
  in.now_ns = now_ns();
  read_node(in);
  read_pods(in);
  read_pod_dirs(in);
  return in;
}

void SummaryProvider::read_node(SummaryInputs& in) {
  NodeInputs& n = in.node;
  n.node_name = node_name_;
  const NodeProcSample proc = read_node_proc();
  n.start_time_ns = proc.boot_time_s.value_or(0) * 1000000000LL;
  n.cpu_time_ns = proc.time_ns;
  n.cpu_usage_core_ns = proc.cpu_usage_ns;
  if (proc.cpu_usage_ns) {
    std::lock_guard lock(mutex_);
    if (previous_cpu_)
      n.cpu_usage_nano_cores = nano_cores(previous_cpu_->first, previous_cpu_->second, *proc.cpu_usage_ns, proc.time_ns);
    previous_cpu_ = std::make_pair(*proc.cpu_usage_ns, proc.time_ns);
  }
  n.network_time_ns = proc.time_ns;
  n.interfaces = proc.interfaces;
  // Inlined as the node's network, as kubelet does.
  if (const auto* main = common::default_interface(n.interfaces)) n.default_interface = main->name;
  n.rlimit_time_ns = proc.time_ns;
  n.max_pid = proc.tasks.max_pid;
  n.cur_proc = proc.tasks.cur_proc;
  try {
    n.memory = read_node_memory(cgroup_root_);
  } catch (const std::exception& e) {
    spdlog::debug("stats: node memory: {}", e.what());
  }
  n.root_fs = stat_filesystem(root_dir_);

  cri::ImageFsInfoResponse image_fs;
  auto status = cri_.image_fs_info(image_fs);
  if (!status.ok()) return note_failure("ImageFsInfo", status.error_message());
  if (image_fs.image_filesystems_size() > 0) n.image_fs_usage = image_fs.image_filesystems(0);
  if (n.image_fs_usage && n.image_fs_usage->has_fs_id()) {
    const std::string& mountpoint = n.image_fs_usage->fs_id().mountpoint();
    if (auto fs = stat_filesystem(mountpoint)) in.filesystems[mountpoint] = *fs;
  }
}

void SummaryProvider::read_pods(SummaryInputs& in) {
  cri::PodSandboxFilter sandbox_filter;
  select_node(sandbox_filter, node_name_);
  auto status = cri_.list_pod_sandbox(sandbox_filter, in.pods.sandboxes);
  if (!status.ok()) return note_failure("ListPodSandbox", status.error_message());
  cri::ContainerFilter container_filter;
  select_node(container_filter, node_name_);
  status = cri_.list_containers(container_filter, in.pods.containers);
  if (!status.ok()) return note_failure("ListContainers", status.error_message());
  cri::PodSandboxStatsFilter stats_filter;
  select_node(stats_filter, node_name_);
  status = cri_.list_pod_sandbox_stats(stats_filter, in.pods.pod_stats);
  if (!status.ok()) return note_failure("ListPodSandboxStats", status.error_message());
  // The writable layers' filesystems (usually the image filesystem's).
  for (const auto& pod : in.pods.pod_stats.stats())
    for (const auto& c : pod.linux().containers()) {
      const std::string& mountpoint = c.writable_layer().fs_id().mountpoint();
      if (!mountpoint.empty() && !in.filesystems.count(mountpoint))
        if (auto fs = stat_filesystem(mountpoint)) in.filesystems[mountpoint] = *fs;
    }
  if (failing_.exchange(false)) spdlog::info("stats: the runtime's stats answer again");
}

void SummaryProvider::read_pod_dirs(SummaryInputs& in) {
  namespace fs = std::filesystem;
  for (const auto* sandbox : reported_sandboxes(in.pods.sandboxes)) {
    const auto& meta = sandbox->metadata();
    // <root>/pods/<uid>/volumes/kubernetes.io~<plugin>/<name> (volume/volume_manager.h):
    // every volume the agent made; a hostPath is the host's, not the pod's.
    std::error_code ec;
    const fs::path volumes = fs::path(root_dir_) / "pods" / meta.uid() / "volumes";
    for (const auto& plugin : fs::directory_iterator(volumes, ec)) {
      if (plugin.path().filename() == "kubernetes.io~host-path") continue;
      std::error_code inner;
      for (const auto& volume : fs::directory_iterator(plugin.path(), inner))
        in.pods.volumes[meta.uid()].push_back(
            {volume.path().filename().string(), directory_usage(volume.path().string()), now_ns()});
    }
    // <root>/pods/<ns>_<name>_<uid>/<container>/ (runtime/cri_configs.h AgentPaths::pod_log_dir).
    const fs::path logs = fs::path(root_dir_) / "pods" / (meta.namespace_() + "_" + meta.name() + "_" + meta.uid());
    for (const auto& container : fs::directory_iterator(logs, ec))
      if (container.is_directory(ec))
        in.pods.container_logs[container_log_key(meta.uid(), container.path().filename().string())] =
            directory_usage(container.path().string());
  }
}

void SummaryProvider::note_failure(const char* what, const std::string& message) {
  if (!failing_.exchange(true)) spdlog::warn("stats: CRI {} failed: {}; the summary leaves its part out", what, message);
}

}  // namespace agent::stats
