#include "agent/app/node_agent.h"

#include <malloc.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

#include <spdlog/spdlog.h>

#include "agent/app/node_agent_parts.h"
#include "common/memory_trim.h"

namespace agent {

using std::chrono::milliseconds;
using parts_detail::downward_api_allocatable;
using parts_detail::unix_now;


NodeAgent::NodeAgent(const Options& options) : options_(options) {
  if (options_.node_name.empty()) options_.node_name = default_node_name();
  parts_ = std::make_unique<Parts>(options_, *this);
  auto& node = parts_->node;
  node.node_name = options_.node_name;
  node.host_ip = default_host_ip();
  node.cluster_dns = options_.cluster_dns;
  node.cluster_domain = options_.cluster_domain;
  node.cgroup_parent = [&p = *parts_](const pod::Pod& pod) { return p.cm ? p.cm->cgroup_parent(pod) : std::string(); };
  try {
    const auto resolv = runtime::read_host_resolv_conf();
    node.host_nameservers = resolv.nameservers;
    node.host_searches = resolv.searches;
    node.host_options = resolv.options;
  } catch (const std::exception& e) {
    // dnsPolicy Default then leaves DNS to the runtime's own resolv.conf.
    spdlog::warn("{}; pods with dnsPolicy Default get the runtime's DNS", e.what());
  }
  parts_->syncer.emplace(parts_->cri, parts_->reader, parts_->images, parts_->crash_backoff, parts_->paths, node);
  parts_->images.set_events(&parts_->events);
  parts_->syncer->set_events(&parts_->events);
  volume::ObjectLookup lookup = [&objects = parts_->objects](pod::ObjectKind kind, const std::string& namespace_,
                                                              const std::string& name) {
    return objects.get(kind, namespace_, name);
  };
  parts_->volumes.emplace([&paths = parts_->paths](const std::string& uid) { return paths.pod_state_dir(uid); },
                          lookup, downward_api_allocatable(options_));
  parts_->syncer->set_volumes(&*parts_->volumes, lookup);
  // A ConfigMap or Secret that changed reaches the pods using it now, not
  // at their next periodic sync.
  parts_->objects.set_listener([this](pod::ObjectKind kind, const std::string& namespace_, const std::string& name) {
    for (const auto& pod : parts_->manager.pods())
      if (pod.metadata.namespace_ == namespace_ && pod::uses_object(pod, kind, name))
        parts_->workers.wake(pod.metadata.uid);
  });
  parts_->syncer->set_probe_failure(
      [&probes = parts_->probes](const pod::Container& c,
                                 const runtime::ContainerState& running) -> std::optional<pod::ProbeKind> {
        if (c.liveness_probe && probes.failed(pod::ProbeKind::Liveness, running.id)) return pod::ProbeKind::Liveness;
        if (c.startup_probe && probes.failed(pod::ProbeKind::Startup, running.id)) return pod::ProbeKind::Startup;
        return std::nullopt;
      });

  make_garbage_collectors();
  make_node_status();

  auto& m = parts_->metrics;
  m.describe("node_agent_pod_sync_duration_seconds", "histogram", "Duration of one pod sync, by operation.");
  m.describe("node_agent_pods", "gauge", "Pods the agent holds, by phase.");
  m.describe("node_agent_containers", "gauge", "Containers of those pods, by state.");
}

NodeAgent::~NodeAgent() { stop(); }

bool NodeAgent::start(const Pause& pause) {
  auto& p = *parts_;
  // The runtime first: its name prefixes container IDs in every status.
  for (int attempt = 0;; ++attempt) {
    cri::VersionResponse version;
    auto status = p.cri.version(version);
    if (status.ok()) {
      std::lock_guard lock(p.runtime_mutex);
      p.runtime_name = version.runtime_name().empty() ? "cri" : version.runtime_name();
      p.runtime_problem.clear();
      spdlog::info("CRI runtime at {}: {} {} (CRI {})", p.cri.endpoint(), version.runtime_name(),
                   version.runtime_version(), version.runtime_api_version());
      break;
    }
    if (attempt == 0)
      spdlog::warn("CRI runtime at {} does not answer yet ({}); waiting for it", p.cri.endpoint(),
                   status.error_message());
    if (!pause(std::chrono::seconds(1))) return false;
    if (attempt > 3600) throw std::runtime_error("the CRI runtime at " + p.cri.endpoint() + " never answered");
  }
  // Before any pod can arrive: admission needs the node's allocatable, and
  // a sandbox its pod's cgroup.
  // kubelet's setupDataDirs: the root dir exists before anything reads it
  // (cm/ statfs's it for the node's ephemeral-storage capacity).
  std::error_code root_error;
  std::filesystem::create_directories(options_.root_dir, root_error);
  if (root_error) spdlog::warn("cannot create --root-dir {}: {}", options_.root_dir, root_error.message());
  make_container_manager();
  make_eviction_manager();

  pleg::PlegOptions pleg_options;
  pleg_options.relist_period = milliseconds(options_.pleg_relist_period_ms);
  pleg_options.use_events = options_.evented_pleg;
  p.pleg.emplace(p.cri, p.metrics, pleg_options);  // before the API's /healthz can ask it

  // The API's ConfigMaps and Secrets of the last run, before the API can
  // take new ones (which they would replace) and before any pod that uses
  // them reaches a worker.
  p.objects.set_source(objects::kApiSourceKey, p.api_objects.load());

  server::HttpApiDeps deps{p.manager, p.statuses, p.metrics, options_.node_name,
                           [this] { return health_problem(); }, [this] { refresh_metrics(); }, &p.events};
  deps.objects = &p.objects;
  deps.stats_summary = [&p](bool only_cpu_and_memory) {
    const auto summary = p.summary->summary();
    return only_cpu_and_memory ? stats::only_cpu_and_memory(summary) : summary;
  };
  deps.node = [&p] { return p.node_status->node(); };
  deps.persist_object = [this](const pod::ConfigObject& object) { persist_api_object(object); };
  deps.unpersist_object = [&p](pod::ObjectKind kind, const std::string& namespace_, const std::string& name) {
    p.api_objects.remove(kind, namespace_, name);
  };
  p.http = std::make_unique<server::HttpApi>(options_.listen, std::move(deps));
  p.http->start();
  // Ready before any pod reaches a worker: sync_pod holds pods back while not.
  p.node_status->set_kubelet_port(p.http->port());
  if (p.evictor)
    p.node_status->set_pressure_source([&p] {
      const auto pressure = p.evictor->pressure();
      return node::NodePressure{pressure.memory, pressure.disk, pressure.pid};
    });
  p.node_status->start();
  if (p.node_reporter) p.node_reporter->start();

  // The API's pods of the last run first: they are as desired as any file's.
  for (auto& pod : p.api_store.load(options_.node_name)) p.manager.put_api_pod(std::move(pod));
  if (!options_.manifest_dir.empty()) {
    p.file_source = std::make_unique<config::FileSource>(options_.manifest_dir, options_.node_name, p.manager,
                                                         p.objects, milliseconds(options_.file_check_frequency_ms));
    p.file_source->start();
  }
  if (!options_.manifest_url.empty()) {
    p.url_source = std::make_unique<config::UrlSource>(options_.manifest_url, options_.node_name, p.manager,
                                                       p.objects, milliseconds(options_.url_check_frequency_ms));
    p.url_source->start();
  }
  remove_orphans();

  // An event of a pod the workers do not hold is dropped by wake(); if no
  // source names that pod, the next orphan sweep removes it.
  p.pleg->start([this](const pleg::PodLifecycleEvent& event) { parts_->workers.wake(event.pod_uid); });
  housekeeping_ = std::thread([this] { run_housekeeping(); });
  // After the sources and the orphan sweep: what GC takes for a pod that is
  // gone must really be gone.
  p.container_gc_loop.start(milliseconds(options_.container_gc_period_ms), [&p] { p.container_gc->collect(); });
  if (p.image_gc->enabled())
    p.image_gc_loop.start(milliseconds(options_.image_gc_period_ms), [&p] { p.image_gc->garbage_collect(); });
  else
    spdlog::info("--image-gc-high-threshold is 100: image GC is off");
  p.evictor->start();
  p.oom_watcher->start();
  spdlog::info("node-agent on node {} serving its API on port {}", options_.node_name, p.http->port());
  return true;
}

void NodeAgent::remove_orphans() {
  // Until every source has told its pods, a pod it names looks like an orphan.
  if (parts_->url_source && !parts_->url_source->has_synced()) return;
  // Evicted or refused pods no source names any more (a manifest removed
  // while the agent was down: no removal will come for them).
  for (const auto& uid : parts_->terminal.forget_unless([this](const std::string& uid) {
         return parts_->manager.pod_by_uid(uid).has_value() || parts_->workers.known(uid);
       }))
    spdlog::info("pod {}: evicted or refused before, and no source names it any more; forgotten", uid);
  std::vector<std::string> uids;
  if (!parts_->reader.list_pod_uids(uids).ok()) return;
  // A pod's directory (its volumes, tmpfs mounts included) outlives its
  // runtime objects when the agent stopped half-way through removing it:
  // kubelet's orphaned pod directory cleanup. Removing such a pod finds
  // nothing in the runtime and takes down its volumes.
  for (const auto& uid : parts_->paths.pod_state_uids())
    if (std::find(uids.begin(), uids.end(), uid) == uids.end()) uids.push_back(uid);
  for (const auto& uid : uids) {
    if (parts_->manager.pod_by_uid(uid) || parts_->workers.known(uid)) continue;
    pod::Pod orphan;
    orphan.metadata.uid = uid;
    orphan.metadata.name = uid;
    orphan.spec.termination_grace_period_seconds = -1;  // each container's own
    if (parts_->workers.remove_orphan(orphan))
      spdlog::info("pod {}: held by the runtime or the node but no source names it; removing it", uid);
  }
}

void NodeAgent::run_housekeeping() {
  std::unique_lock lock(housekeeping_mutex_);
  while (!stopping_) {
    housekeeping_cv_.wait_for(lock, milliseconds(options_.sync_frequency_ms), [this] { return stopping_; });
    if (stopping_) break;
    lock.unlock();
    remove_orphans();
    // kubelet's orphaned pod cgroup cleanup: the cgroup of a pod no source
    // names and no worker holds (a removal that found tasks, or a pod
    // removed while the agent was down).
    parts_->cm->sweep([&p = *parts_](const std::string& uid) {
      return p.manager.pod_by_uid(uid).has_value() || p.workers.known(uid);
    });
    const auto quiet_for = std::chrono::steady_clock::now().time_since_epoch() -
                           std::chrono::nanoseconds(last_activity_ns_.load());
    const unsigned long activity = activity_.load();
    if (activity != trimmed_activity_ && quiet_for > milliseconds(options_.sync_frequency_ms)) {
      const std::size_t kib = common::drop_startup_code_pages();
      // The heap that removed pods and their syncs freed: glibc keeps it
      // below the top of each arena otherwise (probe-bench: 20.8 MiB after
      // four sets of 100 containers came and went, 14.8 MiB trimmed).
      ::malloc_trim(0);
      trimmed_activity_ = activity;
      spdlog::debug("pods settled: gave back {} KiB of code pages only their start-up needed, and the free heap", kib);
    }
    lock.lock();
  }
}

void NodeAgent::note_activity() {
  ++activity_;
  last_activity_ns_ = std::chrono::duration_cast<std::chrono::nanoseconds>(
                          std::chrono::steady_clock::now().time_since_epoch())
                          .count();
}

void NodeAgent::stop() {
  if (!parts_) return;
  {
    std::lock_guard lock(housekeeping_mutex_);
    stopping_ = true;
  }
  housekeeping_cv_.notify_all();
  if (housekeeping_.joinable()) housekeeping_.join();
  auto& p = *parts_;
  if (p.evictor) p.evictor->stop();
  if (p.oom_watcher) p.oom_watcher->stop();
  p.container_gc_loop.stop();
  p.image_gc_loop.stop();
  if (p.node_reporter) p.node_reporter->stop();
  if (p.node_status) p.node_status->stop();
  if (p.http) p.http->stop();
  if (p.file_source) p.file_source->stop();
  if (p.url_source) p.url_source->stop();
  if (p.pleg) p.pleg->stop();
  p.probes.stop();
  p.workers.stop();
}

void NodeAgent::pod_added(const pod::Pod& pod) {
  note_activity();
  // The pod manager has logged the addition and its source.
  persist_api_pod(pod);
  if (resume_terminal_pod(pod)) return;  // evicted or refused before: Failed for good
  // Admission, in the order pods arrive (kubelet's HandlePodAdditions): a
  // rejected pod never reaches a worker, so nothing of it is ever started.
  if (!admit_under_pressure(pod) || !admit(pod)) return;
  if (!parts_->statuses.get_by_uid(pod.metadata.uid)) {
    std::string runtime_name;
    {
      std::lock_guard lock(parts_->runtime_mutex);
      runtime_name = parts_->runtime_name;
    }
    // What the runtime already runs of it: after a restart of the agent, a
    // pod it adopts keeps its containers and restart counts in the status
    // its worker's first sync replaces, instead of going back to Pending.
    runtime::PodRuntimeState state;
    if (!parts_->reader.read(pod.metadata.uid, state).ok()) state = runtime::PodRuntimeState{};
    parts_->statuses.set(pod, status::generate_pod_status(pod, state, runtime::SyncResult{}, runtime_name,
                                                          parts_->node.host_ip, unix_now(),
                                                          parts_->probe_succeeded()));
  }
  parts_->probes.add_pod(pod);
  parts_->workers.update(pod);
}

void NodeAgent::pod_updated(const pod::Pod& pod) {
  note_activity();
  persist_api_pod(pod);
  if (parts_->cm->admitter().rejection(pod.metadata.uid)) return;  // rejected for its lifetime
  parts_->probes.add_pod(pod);
  parts_->workers.update(pod);
}

void NodeAgent::pod_removed(const pod::Pod& pod) {
  spdlog::info("pod {}/{} ({}): removed from its source; killing it", pod.metadata.namespace_, pod.metadata.name,
               pod.metadata.uid);
  note_activity();
  if (pod::came_from(pod, pod::PodSource::Kind::Api)) parts_->api_store.remove(pod.metadata.uid);
  parts_->probes.remove_pod(pod.metadata.uid);
  parts_->workers.remove(pod);
}

void NodeAgent::persist_api_pod(const pod::Pod& pod) {
  if (!pod::came_from(pod, pod::PodSource::Kind::Api)) return;
  try {
    parts_->api_store.save(pod);
  } catch (const std::exception& e) {
    spdlog::error("pod {}/{}: cannot keep it for the next start: {}", pod.metadata.namespace_, pod.metadata.name,
                  e.what());
  }
}

void NodeAgent::persist_api_object(const pod::ConfigObject& object) {
  try {
    parts_->api_objects.save(object);
  } catch (const std::exception& e) {
    // The error names the file, never a value.
    spdlog::error("{} {}/{}: cannot keep it for the next start: {}", pod::to_string(object.kind), object.namespace_,
                  object.name, e.what());
  }
}

void NodeAgent::rejected_changed(const std::string& source_key, const std::vector<pod::RejectedManifest>& rejected) {
  std::vector<status::PodRecord> records;
  for (const auto& r : rejected) {
    // The source has logged the rejection.
    if (r.name.empty()) continue;
    status::PodRecord record;
    record.pod.metadata.name = r.name;
    record.pod.metadata.namespace_ = r.namespace_;
    record.status.phase = "Failed";
    record.status.reason = "InvalidManifest";
    record.status.message = r.message;
    records.push_back(std::move(record));
  }
  parts_->statuses.set_rejected(source_key, std::move(records));
}

std::optional<milliseconds> NodeAgent::sync_pod(const pod::Pod& pod) {
  auto& p = *parts_;
  if (auto terminal = p.terminal.get(pod.metadata.uid)) return sync_terminal_pod(pod, *terminal);
  // kubelet's gates: no pod work while the runtime is not ready, and no pod
  // off the host network while the runtime's network is not; the node status
  // loop wakes every pod when the node turns Ready.
  if (auto blocked = p.node_status->pod_start_blocker(pod.spec.host_network)) {
    if (blocked->starts_with("network is not ready"))
      p.events.record({pod.metadata.namespace_, pod.metadata.name, pod.metadata.uid}, "", events::EventType::Warning,
                      "NetworkNotReady", *blocked);
    spdlog::debug("pod {}/{}: not synced: {}", pod.metadata.namespace_, pod.metadata.name, *blocked);
    return milliseconds(std::max<int64_t>(options_.node_status_update_frequency_ms, 1000));
  }
  const auto start = std::chrono::steady_clock::now();
  // The pod's cgroup and its limits before its sandbox (kubelet's
  // EnsureExists in syncPod), refreshed on every sync.
  try {
    p.cm->ensure_pod(pod);
  } catch (const std::exception& e) {
    spdlog::error("pod {}/{} ({}): cannot set up its cgroup: {}", pod.metadata.namespace_, pod.metadata.name,
                  pod.metadata.uid, e.what());
    if (auto last = p.statuses.get_by_uid(pod.metadata.uid)) {
      last->status.message = std::string("failed to ensure that the pod cgroups exist: ") + e.what();
      p.statuses.set(pod, last->status);
    }
    return milliseconds(options_.sync_frequency_ms);
  }
  runtime::SyncOutcome outcome = p.syncer->sync(pod);
  if (outcome.acted) note_activity();
  p.metrics.observe_seconds("node_agent_pod_sync_duration_seconds", {{"operation", "sync"}},
                            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  std::string runtime_name;
  {
    std::lock_guard lock(p.runtime_mutex);
    if (outcome.state_read) p.runtime_problem.clear();
    else p.runtime_problem = outcome.result.pod_error;
    runtime_name = p.runtime_name;
  }
  if (outcome.state_read) {
    auto status = status::generate_pod_status(pod, outcome.state, outcome.result, runtime_name, p.node.host_ip,
                                              unix_now(), p.probe_succeeded());
    p.oom_killed.mark(status);  // OOM kills the runtime reported as a plain exit
    p.statuses.set(pod, std::move(status));
  } else if (auto last = p.statuses.get_by_uid(pod.metadata.uid)) {
    last->status.message = outcome.result.pod_error;
    p.statuses.set(pod, last->status);
  }
  return outcome.requeue_after;
}

bool NodeAgent::terminate_pod(const pod::Pod& pod) {
  auto& p = *parts_;
  const auto start = std::chrono::steady_clock::now();
  spdlog::info("pod {}/{} ({}): killing it (grace {} s) and removing it", pod.metadata.namespace_,
               pod.metadata.name, pod.metadata.uid, pod.spec.termination_grace_period_seconds);
  const bool done = p.syncer->kill_pod(pod.metadata.uid, pod.spec.termination_grace_period_seconds, true, &pod);
  p.metrics.observe_seconds("node_agent_pod_sync_duration_seconds", {{"operation", "terminate"}},
                            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  if (done) {
    // Its cgroup goes with it; one that still holds tasks is left to the
    // housekeeping sweep.
    try {
      if (!p.cm->remove_pod(pod.metadata.uid))
        spdlog::info("pod {}: its cgroup still has tasks; the housekeeping removes it later", pod.metadata.uid);
    } catch (const std::exception& e) {
      spdlog::warn("pod {}: cannot remove its cgroup yet: {}", pod.metadata.uid, e.what());
    }
    p.cm->admitter().forget(pod.metadata.uid);
    p.terminal.forget(pod.metadata.uid);
    p.statuses.remove(pod.metadata.uid);
    spdlog::info("pod {}/{} ({}): removed", pod.metadata.namespace_, pod.metadata.name, pod.metadata.uid);
  }
  return done;
}

std::string NodeAgent::health_problem() {
  auto& p = *parts_;
  {
    std::lock_guard lock(p.runtime_mutex);
    if (!p.runtime_problem.empty()) return p.runtime_problem;
  }
  if (p.pleg && !p.pleg->healthy()) return "PLEG has not relisted recently";
  return {};
}

void NodeAgent::refresh_metrics() {
  auto& m = parts_->metrics;
  std::map<std::string, int> phases;
  std::map<std::string, int> states;
  for (const auto& record : parts_->statuses.list()) {
    ++phases[record.status.phase];
    auto count = [&](const std::vector<status::ContainerStatus>& list) {
      for (const auto& c : list) {
        if (c.state.running) ++states["running"];
        else if (c.state.terminated) ++states["terminated"];
        else ++states["waiting"];
      }
    };
    count(record.status.init_container_statuses);
    count(record.status.container_statuses);
  }
  m.clear_gauge("node_agent_pods");
  for (const char* phase : {"Pending", "Running", "Succeeded", "Failed", "Unknown"})
    m.set_gauge("node_agent_pods", {{"phase", phase}}, phases[phase]);
  m.clear_gauge("node_agent_containers");
  for (const char* state : {"waiting", "running", "terminated"})
    m.set_gauge("node_agent_containers", {{"state", state}}, states[state]);
}

}  // namespace agent
