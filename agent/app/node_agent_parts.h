// NodeAgent's parts: every manager it owns, in construction order. Private
// to agent/app: node_agent.cc wires the pod path (sources, workers, PLEG,
// status), node_managers.cc the node managers (cm, GC, eviction, OOM, stats
// and node status); both see the same Parts.
#pragma once

#include "agent/app/node_agent.h"

#include <unistd.h>
#include <algorithm>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <spdlog/spdlog.h>
#include "agent/app/host_info.h"
#include "common/periodic_loop.h"
#include "agent/cm/container_manager.h"
#include "agent/config/api_object_store.h"
#include "agent/config/api_pod_store.h"
#include "agent/pod/manifest_parser.h"
#include "agent/config/file_source.h"
#include "agent/config/url_source.h"
#include "agent/events/event_recorder.h"
#include "agent/eviction/admission.h"
#include "agent/eviction/eviction_manager.h"
#include "agent/eviction/eviction_message.h"
#include "agent/eviction/pod_disk_usage.h"
#include "agent/eviction/pod_stats.h"
#include "agent/eviction/signal_reader.h"
#include "agent/eviction/terminal_pods.h"
#include "agent/oom/oom_killed_containers.h"
#include "agent/oom/oom_watcher.h"
#include "agent/remote/cri_client.h"
#include "agent/flowcontrol/backoff.h"
#include "agent/gc/container_gc.h"
#include "agent/images/image_gc_manager.h"
#include "agent/images/image_puller.h"
#include "agent/cm/node_allocatable.h"
#include "common/metrics_registry.h"
#include "agent/node/node_status_manager.h"
#include "agent/node/status_reporter.h"
#include "agent/stats/node_memory.h"
#include "agent/stats/summary_provider.h"
#include "agent/objects/object_store.h"
#include "agent/pod/object_references.h"
#include "agent/volume/volume_manager.h"
#include "agent/pleg/pleg.h"
#include "agent/prober/prober.h"
#include "agent/prober/prober_manager.h"
#include "agent/runtime/host_facts.h"
#include "agent/runtime/pod_state_reader.h"
#include "agent/runtime/pod_syncer.h"
#include "agent/server/http_api.h"
#include "agent/status/generate_status.h"
#include "agent/status/status_manager.h"

namespace agent {

namespace parts_detail {

using std::chrono::milliseconds;

// Pods synced in parallel. CRI calls are Docker-bound; a few in flight keep
// dockerd busy without piling up 30 stuck threads.
inline constexpr std::size_t kWorkerThreads = 4;

inline int64_t unix_now() { return static_cast<int64_t>(std::time(nullptr)); }

// The node's capacity and allocatable as cm/ computes them (reserved
// resources and the hard eviction thresholds subtracted), from the flags
// and the host as it is now. Throws std::exception when the host cannot be
// read or a flag's value is wrong.
inline cm::NodeResources node_resources_from(const Options& options) {
  const auto capacity = cm::read_node_capacity(options.root_dir, options.max_pods, stats::read_memory_capacity());
  return cm::compute_node_resources(
      capacity, cm::parse_reserved(options.kube_reserved, "--kube-reserved"),
      cm::parse_reserved(options.system_reserved, "--system-reserved"),
      eviction::parse_thresholds(options.eviction_hard, options.eviction_soft, options.eviction_soft_grace_period,
                                 options.eviction_minimum_reclaim));
}

// What a container without limits may use, for the downward API: kubelet's
// node allocatable. Unknown figures read 0.
inline volume::NodeAllocatable downward_api_allocatable(const Options& options) {
  volume::NodeAllocatable node;
  try {
    const auto allocatable = node_resources_from(options).allocatable;
    const auto get = [&](const char* key) {
      const auto it = allocatable.find(key);
      return it == allocatable.end() ? int64_t{0} : it->second;
    };
    node.cpu_milli = get(cm::kCpu);
    node.memory_bytes = get(cm::kMemory);
    node.ephemeral_storage_bytes = get(cm::kEphemeralStorage);
  } catch (const std::exception& e) {
    spdlog::warn("cannot read the node's allocatable resources ({}); downward API limits without a limit read 0",
                 e.what());
  }
  return node;
}

}  // namespace parts_detail

struct NodeAgent::Parts {
  using milliseconds = std::chrono::milliseconds;
  explicit Parts(const Options& o, NodeAgent& owner)
      : cri(o.runtime_endpoint, metrics),
        paths{o.root_dir},
        reader(cri, paths, o.node_name),
        images(cri, milliseconds(o.image_backoff_initial_ms), milliseconds(o.image_backoff_max_ms)),
        crash_backoff(milliseconds(o.crash_backoff_initial_ms), milliseconds(o.crash_backoff_max_ms),
                      milliseconds(o.crash_backoff_reset_ms)),
        api_store(o.root_dir + "/api-pods"),
        api_objects(o.root_dir + "/api-objects"),
        manager(owner),
        workers(owner, parts_detail::kWorkerThreads, milliseconds(o.sync_frequency_ms)),
        prober(cri),
        probes(probe_context(), [this](const std::string& uid) { workers.wake(uid); }),
        terminal(o.root_dir + "/terminal-pods.json") {}

  // What the probe workers read: the pod's status as the status manager
  // holds it, the prober, the wall clock.
  prober::ProbeWorkerContext probe_context() {
    prober::ProbeWorkerContext context;
    context.pod_status = [this](const std::string& uid) -> std::optional<status::PodStatus> {
      auto record = statuses.get_by_uid(uid);
      if (!record) return std::nullopt;
      return std::move(record->status);
    };
    context.run = [this](const pod::Probe& probe, const std::string& id, const std::string& pod_ip) {
      return prober.probe(probe, id, pod_ip);
    };
    context.now_s = parts_detail::unix_now;
    context.events = &events;
    return context;
  }
  // What the status generator asks of the probes.
  status::ProbeSucceeded probe_succeeded() {
    return [this](pod::ProbeKind kind, const std::string& id) { return probes.succeeded(kind, id); };
  }

  common::metrics::Registry metrics;
  events::EventRecorder events;
  remote::CriClient cri;
  runtime::AgentPaths paths;
  runtime::NodeContext node;
  // Pod cgroups, node allocatable and admission (cm/): made in start(),
  // once the runtime has named its cgroup driver.
  std::unique_ptr<cm::ContainerManager> cm;
  runtime::PodStateReader reader;
  images::ImagePuller images;
  flowcontrol::Backoff crash_backoff;
  std::optional<runtime::PodSyncer> syncer;
  status::StatusManager statuses;
  config::ApiPodStore api_store;
  config::ApiObjectStore api_objects;
  pod::PodManager manager;
  // ConfigMaps and Secrets of every source; before the sources, which feed it.
  objects::ObjectStore objects;
  // Makes the pods' volumes from `objects`; set in NodeAgent's constructor.
  std::optional<volume::VolumeManager> volumes;
  worker::PodWorkers workers;
  std::optional<pleg::Pleg> pleg;
  std::unique_ptr<config::FileSource> file_source;
  std::unique_ptr<config::UrlSource> url_source;
  std::unique_ptr<server::HttpApi> http;
  prober::Prober prober;
  prober::ProberManager probes;  // after `workers` and `statuses`, which it calls
  // Garbage collection (gc/, images/): made in NodeAgent's constructor,
  // run by their loops, which stop() ends before the workers and the runtime
  // client they use; the eviction manager calls them too.
  std::optional<gc::ContainerGc> container_gc;
  std::optional<images::ImageGcManager> image_gc;
  common::PeriodicLoop container_gc_loop;
  common::PeriodicLoop image_gc_loop;
  // Stats summary and node status (stats/, node/): made in NodeAgent's constructor.
  std::optional<stats::SummaryProvider> summary;
  std::optional<node::NodeStatusManager> node_status;
  std::optional<node::StatusReporter> node_reporter;
  // Eviction (eviction/) and the OOM watcher (oom/): made in start() after
  // cm/, which gives the node allocatable and the kubepods cgroup.
  // Evicted or eviction-refused: never run again, across restarts too
  // (kept in <root-dir>/terminal-pods.json).
  eviction::TerminalPods terminal;
  std::unique_ptr<eviction::EvictionManager> evictor;
  oom::OomKilledContainers oom_killed;
  std::unique_ptr<oom::OomWatcher> oom_watcher;

  std::mutex runtime_mutex;
  std::string runtime_name = "cri";  // CRI Version's runtime_name, the container ID prefix
  std::string runtime_problem = "the runtime has not answered yet";
};

}  // namespace agent
