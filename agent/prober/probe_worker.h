// One probe of one container, run once per period (kubelet's prober
// worker). tick() is one period's work; the manager calls it on its
// schedule, never twice at once.
//
// What a tick does, as kubelet's worker:
// - Nothing until the pod has a status with the container created; a pod
//   that has finished (Succeeded, Failed) ends the worker.
// - A new container ID starts over: the old ID's result is dropped and the
//   new one gets the initial value (readiness Failure, liveness Success,
//   startup Unknown), and a worker held after a failure resumes.
// - A container that is not running reads as Failure; the worker ends if
//   it exited for good (restartPolicy Never).
// - No probe before initialDelaySeconds since the container started; no
//   liveness or readiness probe until the startup probe (if any) has
//   succeeded, and no startup probe after.
// - A result counts once it has come successThreshold (failureThreshold)
//   times in a row; a prober that could not run (Unknown) is ignored.
// - A liveness or startup failure holds the worker until the container is
//   replaced: the pod syncer kills it.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "agent/events/event_recorder.h"
#include "agent/pod/pod_spec.h"
#include "agent/pod/probe_parser.h"
#include "agent/prober/probe_result.h"
#include "agent/prober/results_cache.h"
#include "agent/status/pod_status.h"

namespace agent::prober {

struct ProbeWorkerContext {
  // The pod's latest status (the status manager's), by UID.
  std::function<std::optional<status::PodStatus>(const std::string& uid)> pod_status;
  // Runs the probe against the container (its runtime ID, without the
  // "docker://" prefix) of a pod with this IP.
  std::function<ProbeOutcome(const pod::Probe&, const std::string& container_id, const std::string& pod_ip)> run;
  // Wall-clock seconds: a container's startedAt is wall-clock time.
  std::function<int64_t()> now_s;
  // Where Unhealthy and ProbeWarning events go (nullptr: nowhere).
  events::EventRecorder* events = nullptr;
};

class ProbeWorker {
 public:
  ProbeWorker(const ProbeWorkerContext& context, ResultsCache& results, const ResultsCache& startup_results,
              const pod::Pod& pod, const pod::Container& container, pod::ProbeKind kind);
  ~ProbeWorker();  // drops its container's result
  ProbeWorker(const ProbeWorker&) = delete;
  ProbeWorker& operator=(const ProbeWorker&) = delete;

  // One period's work; false once the worker has nothing more to do.
  bool tick();

  const pod::Probe& probe() const { return probe_; }
  pod::ProbeKind kind() const { return kind_; }
  const std::string& container_name() const { return container_; }

 private:
  ProbeResult initial_value() const;
  bool started(const std::string& container_id) const;

  const ProbeWorkerContext& context_;
  ResultsCache& results_;
  const ResultsCache& startup_results_;
  std::string pod_uid_, pod_ref_, container_;
  events::PodRef event_pod_;
  pod::ProbeKind kind_;
  pod::Probe probe_;
  bool has_startup_probe_ = false;
  pod::RestartPolicy restart_policy_;

  std::string container_id_;  // the one being probed, runtime form
  ProbeResult last_result_ = ProbeResult::Unknown;
  int result_run_ = 0;
  bool on_hold_ = false;
};

// The runtime's ID in a status's "<runtime>://<id>".
std::string runtime_id(const std::string& status_container_id);

}  // namespace agent::prober
