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
