// NodeAgent's node managers (kubelet's ContainerManager, ContainerGC and
// ImageGCManager, eviction.Manager, OOMWatcher, ResourceAnalyzer and node
// status): how each is made from the options and wired to the pod path.
#include <algorithm>
#include <chrono>
#include <string>

#include <spdlog/spdlog.h>

#include "agent/app/node_agent_parts.h"
#include "agent/stats/node_memory.h"

namespace agent {

using std::chrono::milliseconds;
using parts_detail::unix_now;

void NodeAgent::make_garbage_collectors() {
  auto& p = *parts_;
  gc::ContainerGcConfig containers;
  containers.policy.min_age_ns = options_.minimum_container_ttl_duration_ms * 1'000'000;
  containers.policy.max_per_container = options_.maximum_dead_containers_per_container;
  containers.policy.max_containers = options_.maximum_dead_containers;
  containers.node_name = options_.node_name;
  containers.pods_log_root = options_.root_dir + "/pods";
  // Gone: no source names the pod and no worker holds it (a pod being
  // killed is held until its worker is done with it).
  containers.presence = [&p](const std::string& uid) {
    return p.manager.pod_by_uid(uid) || p.workers.known(uid) ? gc::PodPresence::Active : gc::PodPresence::Gone;
  };
  containers.all_sources_ready = [&p] { return !p.url_source || p.url_source->has_synced(); };
  p.container_gc.emplace(p.cri, std::move(containers), &p.metrics);

  images::ImageGcConfig image_config;
  image_config.high_threshold_percent = options_.image_gc_high_threshold;
  image_config.low_threshold_percent = options_.image_gc_low_threshold;
  image_config.min_age_ns = options_.image_minimum_gc_age_ms * 1'000'000;
  image_config.records_path = options_.root_dir + "/image-gc-records.json";
  image_config.node_name = options_.node_name;
  p.image_gc.emplace(p.cri, std::move(image_config), &p.events, &p.metrics);
}

void NodeAgent::make_node_status() {
  auto& p = *parts_;
  p.summary.emplace(p.cri, options_.node_name, options_.root_dir);
  node::NodeStatusConfig config;
  config.node_name = options_.node_name;
  config.hostname = default_node_name();
  config.host_ip = p.node.host_ip;
  const std::string version = version_text();  // "node-agent <version>"
  config.kubelet_version = "v" + version.substr(version.find(' ') + 1);
  config.update_period = milliseconds(options_.node_status_update_frequency_ms);
  node::NodeStatusSources sources;
  // Capacity and allocatable as cm/ computes them (reserved resources and
  // the hard eviction thresholds subtracted); the host's capacity is read
  // again at each update (a resized disk shows).
  sources.resources = [&p, options = options_]() -> node::ResourceMaps {
    // cm/'s figures once it runs: the allocatable admission checks against.
    if (p.cm) return {p.cm->node_resources().capacity, p.cm->node_resources().allocatable};
    try {
      const auto resources = parts_detail::node_resources_from(options);
      return {resources.capacity, resources.allocatable};
    } catch (const std::exception& e) {
      spdlog::warn("node status: cannot read the node's capacity: {}", e.what());
      return {};
    }
  };
  sources.pleg_problem = [&p]() -> std::string {
    return p.pleg && !p.pleg->healthy() ? "PLEG has not relisted recently" : "";
  };
  p.node_status.emplace(p.cri, std::move(config), std::move(sources));
  // Pods held back while the node was not Ready start now, not at their requeue.
  p.node_status->set_on_ready([&p] {
    for (const auto& pod : p.manager.pods()) p.workers.wake(pod.metadata.uid);
  });
  if (!options_.node_status_url.empty()) {
    p.node_reporter.emplace(options_.node_status_url, milliseconds(options_.node_status_report_frequency_ms));
    p.node_status->set_listener([&p](const nlohmann::json& node) { p.node_reporter->offer(node); });
  }
}

void NodeAgent::make_container_manager() {
  auto& p = *parts_;
  cm::CgroupDriver driver = cm::CgroupDriver::Cgroupfs;
  std::string driver_source = "the default";
  if (!options_.cgroup_driver.empty()) {
    driver = cm::parse_cgroup_driver(options_.cgroup_driver);
    driver_source = "--cgroup-driver";
  } else {
    // kubelet's rule: the runtime's own driver, so that both name the same
    // cgroups; a runtime that cannot say leaves the default.
    cri::RuntimeConfigResponse config;
    if (const auto status = p.cri.runtime_config(config); status.ok()) {
      driver = config.linux().cgroup_driver() == cri::SYSTEMD ? cm::CgroupDriver::Systemd : cm::CgroupDriver::Cgroupfs;
      driver_source = "the runtime's RuntimeConfig";
    } else {
      spdlog::info("the runtime does not report its cgroup driver ({}); using cgroupfs", status.error_message());
    }
  }
  cm::ContainerManagerConfig config;
  config.cgroups_per_qos = options_.cgroups_per_qos;
  config.layout = cm::CgroupLayout::make(driver, options_.cgroup_root);
  config.pod_pids_limit = options_.pod_pids_limit;
  config.capacity = cm::read_node_capacity(options_.root_dir, options_.max_pods, stats::read_memory_capacity());
  config.kube_reserved = cm::parse_reserved(options_.kube_reserved, "--kube-reserved");
  config.system_reserved = cm::parse_reserved(options_.system_reserved, "--system-reserved");
  const auto& enforce = options_.enforce_node_allocatable;
  config.enforce_pods = std::find(enforce.begin(), enforce.end(), "pods") != enforce.end();
  config.thresholds = eviction::parse_thresholds(options_.eviction_hard, options_.eviction_soft,
                                                 options_.eviction_soft_grace_period,
                                                 options_.eviction_minimum_reclaim);
  p.cm = std::make_unique<cm::ContainerManager>(std::move(config));
  const auto& allocatable = p.cm->node_resources().allocatable;
  spdlog::info("node allocatable: cpu {}m, memory {} bytes, ephemeral-storage {} bytes, pods {}; cgroup driver {} ({})",
               allocatable.at(cm::kCpu), allocatable.at(cm::kMemory), allocatable.at(cm::kEphemeralStorage),
               allocatable.at(cm::kPods), cm::to_string(driver), driver_source);
  p.cm->start();
}

bool NodeAgent::admit(const pod::Pod& pod) {
  auto& p = *parts_;
  // A pod that has finished no longer holds its requests.
  const auto terminated = [&p](const std::string& uid) {
    const auto record = p.statuses.get_by_uid(uid);
    return record && (record->status.phase == "Succeeded" || record->status.phase == "Failed");
  };
  const cm::AdmitResult result = p.cm->admitter().admit(pod, terminated);
  if (result.admit) return true;
  // kubelet's rejectPod: a Warning event, and the pod Failed for good.
  spdlog::warn("pod {}/{} ({}): rejected: {}: {}", pod.metadata.namespace_, pod.metadata.name, pod.metadata.uid,
               result.reason, result.message);
  p.events.record({pod.metadata.namespace_, pod.metadata.name, pod.metadata.uid}, "", events::EventType::Warning,
                  result.reason, result.message);
  status::PodStatus status;
  status.phase = "Failed";
  status.reason = result.reason;
  status.message = "Pod " + result.message;
  status.host_ip = p.node.host_ip;
  status.qos_class = cm::to_string(cm::pod_qos_class(pod));
  p.statuses.set(pod, std::move(status));
  return false;
}

void NodeAgent::make_eviction_manager() {
  auto& p = *parts_;
  eviction::EvictionConfig config;
  config.thresholds = eviction::with_allocatable_thresholds(
      eviction::parse_thresholds(options_.eviction_hard, options_.eviction_soft, options_.eviction_soft_grace_period,
                                 options_.eviction_minimum_reclaim),
      options_.enforce_node_allocatable);
  config.monitoring_period = milliseconds(options_.eviction_monitoring_period_ms);
  config.transition_period = milliseconds(options_.eviction_pressure_transition_period_ms);
  config.max_pod_grace_period_s = options_.eviction_max_pod_grace_period_s;

  eviction::SignalPaths paths;
  paths.nodefs_path = options_.root_dir;
  // Without pod cgroups the pods' working set is their own sum (CRI stats).
  paths.pods_cgroup = p.cm->cgroups_per_qos() ? p.cm->layout().path(p.cm->layout().kubepods()) : "";
  const auto pods_sum = [&p]() -> std::optional<int64_t> {
    cri::ListContainerStatsResponse stats;
    if (!p.cri.list_container_stats({}, stats).ok()) return std::nullopt;
    const auto usage = eviction::pod_usages(stats);
    int64_t total = 0;
    for (const auto& pod : p.manager.pods())
      if (const auto it = usage.find(pod.metadata.uid); it != usage.end()) total += it->second.memory();
    return total;
  };
  const auto imagefs = [&p]() -> std::optional<std::string> {
    cri::ImageFsInfoResponse info;
    if (!p.cri.image_fs_info(info).ok() || info.image_filesystems().empty()) return std::nullopt;
    return info.image_filesystems(0).fs_id().mountpoint();
  };
  auto reader = std::make_shared<eviction::SignalReader>(paths, imagefs,
                                                         p.cm->node_resources().allocatable.at(cm::kMemory), pods_sum);

  eviction::EvictionDeps deps;
  deps.read_node = [reader] { return reader->read(); };
  // kubelet's active pods: admitted, not finished, not already evicted.
  deps.active_pods = [&p] {
    std::vector<pod::Pod> pods;
    for (auto& pod : p.manager.pods()) {
      if (p.terminal.get(pod.metadata.uid) || !p.workers.known(pod.metadata.uid)) continue;
      const auto record = p.statuses.get_by_uid(pod.metadata.uid);
      if (record && (record->status.phase == "Succeeded" || record->status.phase == "Failed")) continue;
      pods.push_back(std::move(pod));
    }
    return pods;
  };
  // CRI's container stats, plus the logs and volumes under --root-dir.
  deps.pod_usage = [&p](const std::vector<pod::Pod>& active) {
    cri::ListContainerStatsResponse stats;
    if (!p.cri.list_container_stats({}, stats).ok()) return eviction::PodUsages{};
    auto usage = eviction::pod_usages(stats);
    eviction::PodDiskPaths disk;
    disk.volume_dir = [&p](const pod::Pod& pod, const pod::Volume& volume) {
      return p.volumes->volume_dir(pod.metadata.uid, volume);
    };
    disk.log_dir = [&p](const pod::Pod& pod, const std::string& container) {
      return p.paths.pod_log_dir(pod) + "/" + container;
    };
    eviction::add_disk_usage(active, disk, usage);
    return usage;
  };
  deps.dedicated_image_fs = [imagefs, root = options_.root_dir] {
    const auto mountpoint = imagefs();
    return mountpoint && eviction::on_different_filesystems(root, *mountpoint);
  };
  // The pod's worker does the kill (serialised with its other work); the
  // manager waits for it through pod_cleaned_up.
  deps.evict_pod = [&p](const pod::Pod& pod, int64_t grace, const std::string& message) {
    if (!p.terminal.mark(pod.metadata.uid, {eviction::kEvictedReason, message, grace, false})) return false;
    p.events.record({pod.metadata.namespace_, pod.metadata.name, pod.metadata.uid}, "", events::EventType::Warning,
                    eviction::kEvictedReason, message);
    p.workers.wake(pod.metadata.uid);
    return true;
  };
  deps.pod_cleaned_up = [&p](const std::string& uid) { return p.terminal.killed(uid) || !p.workers.known(uid); };
  deps.node_event = [&p, node = options_.node_name](const std::string& reason, const std::string& message) {
    p.events.record(events::node_ref(node), "", events::EventType::Warning, reason, message);
  };
  // Disk pressure: dead containers first, then unused images (kubelet's
  // DeleteAllUnusedContainers, DeleteUnusedImages).
  deps.reclaim_disk.push_back([&p](int64_t) -> int64_t {
    p.container_gc->collect();
    return 0;  // what it freed is seen in the next observation
  });
  deps.reclaim_disk.push_back([&p](int64_t wanted) { return p.image_gc->free_space(wanted); });
  p.evictor = std::make_unique<eviction::EvictionManager>(std::move(config), std::move(deps));
  p.node_status->set_pressure_source([&p] {
    const auto pressure = p.evictor->pressure();
    return node::NodePressure{pressure.memory, pressure.disk, pressure.pid};
  });

  p.oom_watcher = std::make_unique<oom::OomWatcher>("/dev/kmsg", [&p, node = options_.node_name](
                                                                     const oom::OomKill& kill) {
    p.events.record(events::node_ref(node), "", events::EventType::Warning, "SystemOOM",
                    oom::system_oom_message(kill));
    if (const auto container = oom::container_of_cgroup(kill.task_memcg)) {
      p.oom_killed.add(container->container_id);
      if (!container->pod_uid.empty()) p.workers.wake(container->pod_uid);
    }
  });
}

bool NodeAgent::admit_under_pressure(const pod::Pod& pod) {
  auto& p = *parts_;
  const auto refusal = eviction::admission_refusal(pod, p.evictor->pressure());
  if (!refusal) return true;
  spdlog::warn("pod {}/{} ({}): rejected: {}", pod.metadata.namespace_, pod.metadata.name, pod.metadata.uid,
               *refusal);
  p.events.record({pod.metadata.namespace_, pod.metadata.name, pod.metadata.uid}, "", events::EventType::Warning,
                  eviction::kEvictedReason, *refusal);
  // Terminal like an evicted pod: nothing of it runs, now or after an update.
  const eviction::TerminalPod terminal{eviction::kEvictedReason, *refusal, 0, true};
  p.terminal.mark(pod.metadata.uid, terminal);
  status::PodStatus status;
  status.host_ip = p.node.host_ip;
  status.qos_class = status::qos_class(pod.spec);
  eviction::apply_terminal(status, terminal, unix_now());
  p.statuses.set(pod, std::move(status));
  return false;
}

bool NodeAgent::resume_terminal_pod(const pod::Pod& pod) {
  auto& p = *parts_;
  const auto terminal = p.terminal.get(pod.metadata.uid);
  if (!terminal) return false;
  spdlog::info("pod {}/{} ({}): {} before: {}; it stays Failed", pod.metadata.namespace_, pod.metadata.name,
               pod.metadata.uid, terminal->reason, terminal->message);
  // Failed from the moment the API can show it, before its worker's sync.
  status::PodStatus status;
  if (auto last = p.statuses.get_by_uid(pod.metadata.uid)) {
    status = std::move(last->status);
  } else {
    status.host_ip = p.node.host_ip;
    status.qos_class = status::qos_class(pod.spec);
  }
  eviction::apply_terminal(status, *terminal, unix_now());
  p.statuses.set(pod, std::move(status));
  p.workers.update(pod);
  return true;
}

std::optional<milliseconds> NodeAgent::sync_terminal_pod(const pod::Pod& pod, const eviction::TerminalPod& terminal) {
  auto& p = *parts_;
  if (!terminal.killed) {
    spdlog::info("pod {}/{} ({}): {}: killing it (grace {} s)", pod.metadata.namespace_, pod.metadata.name,
                 pod.metadata.uid, terminal.reason, terminal.grace_seconds);
    if (!p.syncer->kill_pod(pod.metadata.uid, terminal.grace_seconds, false, &pod)) return milliseconds(1000);
    // kubelet unmounts a terminated pod's volumes once its containers are
    // dead (an emptyDir goes with them): what filled the disk is freed, and
    // the eviction manager's cleanup wait includes it.
    std::string error;
    if (!p.volumes->tear_down(pod.metadata.uid, error)) {
      spdlog::warn("pod {}/{} ({}): cannot remove its volumes (tried again): {}", pod.metadata.namespace_,
                   pod.metadata.name, pod.metadata.uid, error);
      return milliseconds(1000);
    }
    p.terminal.set_killed(pod.metadata.uid);
    note_activity();
  }
  std::string runtime_name;
  {
    std::lock_guard lock(p.runtime_mutex);
    runtime_name = p.runtime_name;
  }
  runtime::PodRuntimeState state;
  status::PodStatus status;
  // What the runtime still holds of it; a pod refused before it ran (or
  // whose dead containers are gone) keeps the status it was given.
  if (p.reader.read(pod.metadata.uid, state).ok() && (!state.sandboxes.empty() || !state.containers.empty())) {
    status = status::generate_pod_status(pod, state, runtime::SyncResult{}, runtime_name, p.node.host_ip, unix_now(),
                                         p.probe_succeeded());
    p.oom_killed.mark(status);
  } else if (auto last = p.statuses.get_by_uid(pod.metadata.uid)) {
    status = last->status;
  } else {
    status.host_ip = p.node.host_ip;
    status.qos_class = status::qos_class(pod.spec);
  }
  eviction::apply_terminal(status, terminal, unix_now());
  p.statuses.set(pod, std::move(status));
  return std::nullopt;
}

}  // namespace agent
