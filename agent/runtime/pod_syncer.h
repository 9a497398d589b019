// Brings one pod to what its spec asks, through CRI (kubelet's kuberuntime
// SyncPod and KillPod): reads the pod's runtime state, computes the actions
// (pod_actions.h), carries them out, and reads the state again for the
// status. Dead containers and sandboxes are left to container GC (gc/),
// which keeps what the status needs (a container's lastState).
//
// Contract:
// - One call per pod at a time (the pod workers serialise them); calls for
//   different pods may run in parallel.
// - Never throws for a runtime failure: what went wrong is in the outcome's
//   SyncResult (waiting reasons, pod_error) and the pod is looked at again
//   after `requeue_after`.
// - A container whose start failed stays, as kubelet keeps it: the runtime
//   reports it EXITED (reason ContainerCannotRun) and the crash-loop path
//   restarts it, counting restarts. Only on a runtime that leaves it
//   CREATED is it removed, and the next one made after a back-off, so the
//   agent never spins on start and fail.
#pragma once

#include <chrono>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include "agent/events/event_recorder.h"
#include "agent/pod/pod_spec.h"
#include "agent/runtime/cri_configs.h"
#include "agent/runtime/pod_actions.h"
#include "agent/runtime/pod_runtime_state.h"
#include "agent/runtime/sync_result.h"
#include "agent/volume/volume_manager.h"

namespace agent::remote {
class CriClient;
}
namespace agent::images {
class ImagePuller;
}
namespace agent::flowcontrol {
class Backoff;
}

namespace agent::runtime {

class PodStateReader;

struct SyncOutcome {
  bool state_read = false;                   // false: the runtime did not answer; `state` is empty
  PodRuntimeState state;                     // after the sync's actions
  SyncResult result;
  std::optional<std::chrono::milliseconds> requeue_after;
  bool acted = false;                        // something was created, started, stopped or killed
};

class PodSyncer {
 public:
  PodSyncer(remote::CriClient& cri, PodStateReader& reader, images::ImagePuller& images,
            flowcontrol::Backoff& crash_backoff, AgentPaths paths, NodeContext node);

  SyncOutcome sync(const pod::Pod& pod);
  // How sync() learns that a running container failed its liveness or
  // startup probe (prober/prober_manager.h); unset: never.
  void set_probe_failure(ProbeFailure probe_failure) { probe_failure_ = std::move(probe_failure); }
  // Where the events of what sync() does go (Created, Started, Killing,
  // BackOff, Failed, hook failures); unset: nowhere.
  void set_events(events::EventRecorder* events) { events_ = events; }
  // Where the pod's volumes are made (before its sandbox, as kubelet's
  // WaitForAttachAndMount) and removed (with the pod), and where env refs
  // and envFrom find ConfigMaps and Secrets; unset: a pod with volumes
  // waits, and no object exists.
  void set_volumes(volume::VolumeManager* volumes, volume::ObjectLookup objects) {
    volumes_ = volumes;
    objects_ = std::move(objects);
  }

  // Stops every container (each with `grace_seconds`, in parallel; -1 = the
  // grace each was created with, else 30 s) and every sandbox of the pod;
  // with `remove`, removes them and the pod's directories too. True when
  // all of it succeeded.
  // `pod`, when known, gives each container's preStop hook, run first.
  bool kill_pod(const std::string& uid, int64_t grace_seconds, bool remove, const pod::Pod* pod = nullptr);

 private:
  void start_container(const pod::Pod& pod, const pod::Container& container, const struct ContainerToStart& what,
                       const std::string& sandbox_id, const cri::PodSandboxConfig& sandbox_config,
                       const SandboxState& sandbox, const volume::PodVolumes& volumes, SyncOutcome& outcome);
  // Sets up the pod's volumes, recording FailedMount for each that fails;
  // false when one its containers need has no host path yet.
  bool set_up_volumes(const pod::Pod& pod, volume::PodVolumes& volumes, SyncOutcome& outcome);
  // After StartContainer of `id` failed: kept when the runtime reports it
  // EXITED (the crash-loop path restarts it), else removed under the
  // container's start back-off.
  void start_failed(const pod::Pod& pod, const std::string& name, const std::string& id, SyncOutcome& outcome);
  bool stop_containers(const PodRuntimeState& state, int64_t grace_seconds, const std::string& except_sandbox,
                       const pod::Pod* pod);
  // kubelet's killContainer: the preStop hook `pod`'s spec gives the
  // container (if any, and only with a grace period above 0), within the
  // grace period, then StopContainer with what is left of it (at least 2 s
  // after a hook). NOT_FOUND counts as done.
  bool kill_container(const pod::Pod* pod, const std::string& id, const std::string& name, int64_t grace_seconds,
                      const std::string& pod_ip);
  // After a container started: its postStart hook; a failure kills it
  // (PostStartHookError), and the restart policy decides what comes next.
  void run_post_start(const pod::Pod& pod, const pod::Container& container, const std::string& id,
                      const SandboxState& sandbox, SyncOutcome& outcome);
  void record(const pod::Pod& pod, const std::string& container, events::EventType type, const std::string& reason,
              const std::string& message);
  // StopPodSandbox / RemovePodSandbox, NOT_FOUND counted as done; both keep
  // stopped_sandboxes_ current.
  bool stop_sandbox(const std::string& id);
  bool remove_sandbox(const std::string& id);
  std::set<std::string> stopped_sandboxes() const;
  std::chrono::milliseconds crash_backoff_wait(const pod::Pod& pod, const ContainerState& exited);

  remote::CriClient& cri_;
  PodStateReader& reader_;
  images::ImagePuller& images_;
  flowcontrol::Backoff& crash_backoff_;
  AgentPaths paths_;
  NodeContext node_;
  ProbeFailure probe_failure_;
  events::EventRecorder* events_ = nullptr;
  volume::VolumeManager* volumes_ = nullptr;
  volume::ObjectLookup objects_;
  int64_t node_memory_bytes_ = 0;
  // The sandboxes this agent has stopped and not yet removed (sandbox_stops.h);
  // shared by the pod workers. Empty after a restart, which costs one
  // idempotent StopPodSandbox per stopped sandbox.
  mutable std::mutex stopped_mutex_;
  std::set<std::string> stopped_sandboxes_;
};

}  // namespace agent::runtime
