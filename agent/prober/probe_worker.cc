#include "agent/prober/probe_worker.h"

#include <spdlog/spdlog.h>

namespace agent::prober {

std::string runtime_id(const std::string& status_container_id) {
  const auto sep = status_container_id.find("://");
  return sep == std::string::npos ? status_container_id : status_container_id.substr(sep + 3);
}

namespace {

const status::ContainerStatus* find(const std::vector<status::ContainerStatus>& statuses, const std::string& name) {
  for (const auto& s : statuses)
    if (s.name == name) return &s;
  return nullptr;
}

}  // namespace

ProbeWorker::ProbeWorker(const ProbeWorkerContext& context, ResultsCache& results,
                         const ResultsCache& startup_results, const pod::Pod& pod, const pod::Container& container,
                         pod::ProbeKind kind)
    : context_(context),
      results_(results),
      startup_results_(startup_results),
      pod_uid_(pod.metadata.uid),
      pod_ref_(pod.metadata.namespace_ + "/" + pod.metadata.name),
      container_(container.name),
      event_pod_{pod.metadata.namespace_, pod.metadata.name, pod.metadata.uid},
      kind_(kind),
      probe_(pod::probe_of(container, kind).value()),
      has_startup_probe_(container.startup_probe.has_value()),
      restart_policy_(pod.spec.restart_policy) {}

ProbeWorker::~ProbeWorker() {
  if (!container_id_.empty()) results_.remove(container_id_);
}

ProbeResult ProbeWorker::initial_value() const {
  switch (kind_) {
    case pod::ProbeKind::Readiness: return ProbeResult::Failure;
    case pod::ProbeKind::Liveness: return ProbeResult::Success;
    case pod::ProbeKind::Startup: return ProbeResult::Unknown;
  }
  return ProbeResult::Unknown;
}

bool ProbeWorker::started(const std::string& container_id) const {
  return !has_startup_probe_ || startup_results_.get(container_id) == ProbeResult::Success;
}

bool ProbeWorker::tick() {
  const auto status = context_.pod_status(pod_uid_);
  if (!status) return true;  // not synced yet, or just removed
  if (status->phase == "Succeeded" || status->phase == "Failed") return false;
  const status::ContainerStatus* c = find(status->container_statuses, container_);
  if (c == nullptr || c->container_id.empty()) return true;  // not created yet

  const std::string id = runtime_id(c->container_id);
  if (id != container_id_) {
    if (!container_id_.empty()) results_.remove(container_id_);
    container_id_ = id;
    results_.set(container_id_, initial_value(), pod_uid_);
    on_hold_ = false;
    last_result_ = ProbeResult::Unknown;
    result_run_ = 0;
  }
  if (on_hold_) return true;

  if (!c->state.running) {
    results_.set(container_id_, ProbeResult::Failure, pod_uid_);
    // Exited for good: nothing will run again to probe.
    return !(c->state.terminated && restart_policy_ == pod::RestartPolicy::Never);
  }
  if (context_.now_s() - c->state.running->started_at < probe_.initial_delay_seconds) return true;
  // The startup probe gates the others, and stops once it has succeeded.
  if (started(container_id_) != (kind_ != pod::ProbeKind::Startup)) return true;

  ProbeOutcome outcome = context_.run(probe_, container_id_, status->pod_ip);
  if (outcome.result == ProbeResult::Unknown) {
    spdlog::debug("pod {}: container {}: {} probe could not run: {}", pod_ref_, container_, to_string(kind_),
                  outcome.output);
    return true;
  }
  if (outcome.result == ProbeResult::Warning) {
    spdlog::info("pod {}: container {}: {} probe warning: {}", pod_ref_, container_, to_string(kind_),
                 outcome.output);
    if (context_.events != nullptr)
      context_.events->record(event_pod_, container_, events::EventType::Warning, "ProbeWarning",
                              std::string(to_string(kind_)) + " probe warning: " + outcome.output);
  }
  const ProbeResult result = outcome.result == ProbeResult::Failure ? ProbeResult::Failure : ProbeResult::Success;
  if (result == ProbeResult::Failure) {
    spdlog::info("pod {}: container {}: {} probe failed: {}", pod_ref_, container_, to_string(kind_), outcome.output);
    if (context_.events != nullptr)
      context_.events->record(event_pod_, container_, events::EventType::Warning, "Unhealthy",
                              std::string(to_string(kind_)) + " probe failed: " + outcome.output);
  }

  if (result == last_result_) {
    ++result_run_;
  } else {
    last_result_ = result;
    result_run_ = 1;
  }
  const int32_t threshold = result == ProbeResult::Failure ? probe_.failure_threshold : probe_.success_threshold;
  if (result_run_ < threshold) return true;

  results_.set(container_id_, result, pod_uid_);
  if (result == ProbeResult::Failure && kind_ != pod::ProbeKind::Readiness) {
    // The syncer kills the container; probing it meanwhile could only race
    // with the kill. Wait for its replacement.
    on_hold_ = true;
    result_run_ = 0;
  }
  return true;
}

}  // namespace agent::prober
