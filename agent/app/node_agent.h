// node-agent as a whole (kubelet's Kubelet struct): owns every manager and
// wires them together.
//
//   sources (dir, URL, HTTP API) -> PodManager -> (this) -> PodWorkers -> PodSyncer -> CRI
//   PLEG (relist / GetContainerEvents) -------------------> PodWorkers.wake
//   PodSyncer's outcome -> generate_pod_status -> StatusManager -> GET /pods
//
// Start-up order matters for restart safety: the CRI runtime is reached,
// the sources are read in full, the pods they name are handed to the
// workers (which adopt what runs, by labels), and only then are pods the
// runtime holds but no source names killed as orphans.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <string>

#include "agent/app/options.h"
#include "agent/pod/config_object.h"
#include "agent/pod/pod_manager.h"
#include "agent/worker/pod_workers.h"

namespace agent {
namespace eviction {
struct TerminalPod;
}

class NodeAgent final : public pod::PodManagerListener, public worker::PodSyncHandler {
 public:
  explicit NodeAgent(const Options& options);
  ~NodeAgent() override;

  // Waits `pause` between tries while the CRI runtime does not answer; a
  // pause that returns false (a stop signal came) ends start() at once,
  // with false and nothing started. Throws std::runtime_error when the
  // HTTP API cannot listen.
  using Pause = std::function<bool(std::chrono::milliseconds)>;
  bool start(const Pause& pause);
  void stop();

  // PodManagerListener
  void pod_added(const pod::Pod& pod) override;
  void pod_updated(const pod::Pod& pod) override;
  void pod_removed(const pod::Pod& pod) override;
  void rejected_changed(const std::string& source_key, const std::vector<pod::RejectedManifest>& rejected) override;

  // PodSyncHandler
  std::optional<std::chrono::milliseconds> sync_pod(const pod::Pod& pod) override;
  bool terminate_pod(const pod::Pod& pod) override;

 private:
  struct Parts;
  void remove_orphans();
  // cm/ from the options and the runtime's cgroup driver (CRI
  // RuntimeConfig unless --cgroup-driver is given): the node's capacity
  // and allocatable, then kubepods and the QoS cgroups. Throws for a bad
  // reservation or a cgroup filesystem that refuses.
  void make_container_manager();
  // kubelet's canAdmitPod: false (and the pod Failed, OutOf<resource>) when
  // it does not fit the node's allocatable beside the pods admitted before.
  bool admit(const pod::Pod& pod);
  // eviction/ and oom/ (kubelet's eviction.Manager and OOMWatcher) from
  // the options, cm/'s allocatable and kubepods; they start at the end of
  // start(), and the node status reports the manager's pressure.
  void make_eviction_manager();
  // kubelet's eviction admit handler: false (and the pod Failed, Evicted,
  // for good) when the node's pressure refuses it.
  bool admit_under_pressure(const pod::Pod& pod);
  // A pod evicted or refused before (this run, or an earlier one: the set
  // is kept on disk): true, and the pod is reported Failed with its reason
  // and handed to its worker, which finishes its kill; never admitted again.
  bool resume_terminal_pod(const pod::Pod& pod);
  // The sync of an evicted (or eviction-refused) pod: killed once with its
  // eviction's grace, then reported Failed; never started again.
  std::optional<std::chrono::milliseconds> sync_terminal_pod(const pod::Pod& pod,
                                                             const eviction::TerminalPod& terminal);
  // Container GC (gc/) and image GC (images/) from the options; their
  // loops start at the end of start().
  void make_garbage_collectors();
  // The stats summary (stats/) and the node status loop (node/) with its
  // --node-status-url reporter; the loop starts in start() once the API listens.
  void make_node_status();
  void persist_api_pod(const pod::Pod& pod);
  // A ConfigMap or Secret the HTTP API took, kept under <root-dir>/api-objects.
  void persist_api_object(const pod::ConfigObject& object);
  // Every sync period: pods the runtime holds that no source names (left by
  // a failed removal, or made while the agent was down) are removed; and
  // once the pods have settled after a burst of work, the code pages only
  // that work needed (pod creation, manifest parsing) are given back.
  void run_housekeeping();
  void note_activity();
  std::string health_problem();
  void refresh_metrics();

  Options options_;
  std::unique_ptr<Parts> parts_;
  std::mutex housekeeping_mutex_;
  std::condition_variable housekeeping_cv_;
  bool stopping_ = false;
  std::thread housekeeping_;
  std::atomic<unsigned long> activity_{0};        // bumped by every change and acting sync
  std::atomic<long long> last_activity_ns_{0};   // steady clock
  unsigned long trimmed_activity_ = 0;
};

}  // namespace agent
