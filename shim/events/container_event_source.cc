#include "shim/events/container_event_source.h"

#include <spdlog/spdlog.h>

#include "shim/events/pod_state.h"
#include "shim/server/call.h"
#include "shim/state/labels.h"

namespace shim::events {
namespace {

// The pod a CRI-managed container belongs to: a sandbox's own ID, a
// container's sandbox label; "" for anything else.
std::string sandbox_of(const docker::Labels& labels, const std::string& id) {
  const auto type = labels.find(std::string(label::kDockerType));
  if (type == labels.end()) return "";
  if (type->second == label::kDockerTypeSandbox) return id;
  const auto sandbox = labels.find(std::string(label::kSandboxId));
  return sandbox == labels.end() ? "" : sandbox->second;
}

const char* event_name(cri::ContainerEventType type) {
  switch (type) {
    case cri::CONTAINER_CREATED_EVENT: return "CREATED";
    case cri::CONTAINER_STARTED_EVENT: return "STARTED";
    case cri::CONTAINER_STOPPED_EVENT: return "STOPPED";
    case cri::CONTAINER_DELETED_EVENT: return "DELETED";
    default: return "?";
  }
}

}  // namespace

ContainerEventSource::ContainerEventSource(docker::Client& docker, std::size_t queue_capacity,
                                           ReconnectBackoff backoff)
    : docker_(docker), backoff_(backoff), broadcaster_(queue_capacity) {}

docker::CallOptions ContainerEventSource::docker_options() const {
  auto options = docker::CallOptions::with_timeout(std::chrono::seconds(30));
  options.cancelled = [this] { return stopping_.load(); };
  return options;
}

ContainerEventSource::~ContainerEventSource() {
  shutdown();
  stopping_ = true;
  std::unique_ptr<EventWatch> watch;
  {
    std::lock_guard lock(mutex_);
    watch = std::move(watch_);
  }
  if (watch) watch->stop();
}

std::shared_ptr<SubscriberQueue> ContainerEventSource::subscribe(std::chrono::milliseconds wait) {
  auto queue = broadcaster_.subscribe();
  std::unique_lock lock(mutex_);
  if (shut_down_) return queue;  // closed by the broadcaster already
  if (!watch_) {
    watch_ = std::make_unique<EventWatch>(
        docker_,
        docker::Filters{{"type", {"container"}}, {"label", {std::string(label::kDockerType)}}},
        EventWatchHandlers{
            .on_connect = [this] { return on_connect(); },
            .on_event = [this](const docker::Event& event) { return on_event(event); },
            .on_disconnect = [this] { on_disconnect(); }},
        backoff_);
  }
  live_cv_.wait_for(lock, wait, [this] { return live_ || shut_down_; });
  return queue;
}

void ContainerEventSource::unsubscribe(const std::shared_ptr<SubscriberQueue>& queue) {
  broadcaster_.unsubscribe(queue);
}

void ContainerEventSource::shutdown() {
  broadcaster_.close_all(grpc::Status(grpc::StatusCode::UNAVAILABLE, "cri-shim is shutting down"));
  {
    std::lock_guard lock(mutex_);
    shut_down_ = true;
  }
  live_cv_.notify_all();
}

void ContainerEventSource::set_live(bool live) {
  {
    std::lock_guard lock(mutex_);
    live_ = live;
  }
  live_cv_.notify_all();
}

std::string ContainerEventSource::on_connect() {
  // Replay from the last event seen, so that what happened around the break
  // reaches on_event too; the first time, from just before the list.
  const std::string since =
      baseline_taken_ && last_event_nanos_ > 0 ? docker_since(last_event_nanos_) : docker_since_now();
  const auto options = docker_options();
  docker::ContainerListOptions list;
  list.all = true;
  list.filters["label"] = {std::string(label::kDockerType)};
  const auto summaries = docker_.list_containers(list, options);

  std::map<std::string, ContainerPhase> present;
  std::map<std::string, std::string> sandbox_ids;
  for (const auto& summary : summaries) {
    const auto sandbox_id = sandbox_of(summary.labels, summary.id);
    if (sandbox_id.empty()) continue;
    sandbox_ids[summary.id] = sandbox_id;
    const auto reported = reported_.find(summary.id);
    const auto phase = phase_of_docker_state(summary.state);
    if (!phase) {
      // Being removed: as reported until its destroy event.
      if (reported != reported_.end()) present[summary.id] = reported->second.phase;
      continue;
    }
    // The list has no StartedAt: keep the one reported while the phase holds.
    ContainerPhase now{*phase, ""};
    if (reported != reported_.end() && reported->second.phase.phase == *phase)
      now.started_at = reported->second.phase.started_at;
    present[summary.id] = now;
  }

  if (!baseline_taken_) {
    for (const auto& [id, phase] : present) reported_[id] = {phase, sandbox_ids[id]};
    baseline_taken_ = true;
    spdlog::info("container events: watching {} CRI containers", reported_.size());
    set_live(true);
    return since;
  }

  std::map<std::string, ContainerPhase> reported_phases;
  for (const auto& [id, reported] : reported_) reported_phases[id] = reported.phase;
  // Containers that changed: inspect for their StartedAt (whether an exited
  // one ever ran, whether it ran again).
  for (auto& [id, phase] : present) {
    const auto reported = reported_.find(id);
    const std::optional<ContainerPhase> before =
        reported == reported_.end() ? std::nullopt : std::optional(reported->second.phase);
    if (owed_events(before, phase).empty()) continue;
    try {
      const auto inspect = docker_.inspect_container(id, false, options);
      if (const auto exact = phase_of_docker_state(inspect.state.status))
        phase = {*exact, started_at_of(inspect.state.started_at)};
    } catch (const docker::DockerError& e) {
      if (!e.not_found()) throw;
    }
  }
  const auto diff = resync_diff(reported_phases, present);
  spdlog::info("container events: reconnected; {} containers changed meanwhile", diff.size());
  for (const auto& owed : diff) {
    const auto reported = reported_.find(owed.id);
    const auto sandbox_id =
        reported != reported_.end() ? reported->second.sandbox_id : sandbox_ids[owed.id];
    send(owed.id, sandbox_id, owed.events);  // throws: a failed attempt, the rest owed still
    if (const auto now = present.find(owed.id); now != present.end()) {
      reported_[owed.id] = {now->second, sandbox_id};
    } else {
      reported_.erase(owed.id);
      deleted_.add(owed.id);
    }
  }
  reported_.clear();
  for (const auto& [id, phase] : present) reported_[id] = {phase, sandbox_ids[id]};
  set_live(true);
  return since;
}

void ContainerEventSource::on_disconnect() { set_live(false); }

bool ContainerEventSource::on_event(const docker::Event& event) {
  if (event.time_nano > last_event_nanos_) last_event_nanos_ = event.time_nano;
  if (!cri_event_for_docker_action(event.action) || deleted_.contains(event.id)) return true;
  const auto reported = reported_.find(event.id);
  const std::optional<ContainerPhase> before =
      reported == reported_.end() ? std::nullopt : std::optional(reported->second.phase);
  std::optional<ContainerPhase> now;
  std::vector<cri::ContainerEventType> owed;
  std::string sandbox_id;
  try {
    const auto inspect = docker_.inspect_container(event.id, false, docker_options());
    const auto phase = phase_of_docker_state(inspect.state.status);
    if (!phase) return true;  // "removing": its destroy event follows
    now = ContainerPhase{*phase, started_at_of(inspect.state.started_at)};
    sandbox_id = sandbox_of(inspect.config.labels, inspect.id);
    owed = owed_events(before, now);
  } catch (const docker::DockerError& e) {
    if (!e.not_found()) {
      spdlog::warn("container events: cannot inspect {} after its {} event ({}); resynchronising",
                   event.id, event.action, e.message());
      return false;
    }
    // Removed since: the action says where it was (events carry the labels).
    sandbox_id = reported != reported_.end() ? reported->second.sandbox_id
                                             : sandbox_of(event.attributes, event.id);
    owed = owed_events_for_action(before, event.action);
    if (event.action != "destroy") {
      now = before;
      if (!owed.empty())
        now = ContainerPhase{owed.back() == cri::CONTAINER_CREATED_EVENT   ? Phase::kCreated
                             : owed.back() == cri::CONTAINER_STARTED_EVENT ? Phase::kRunning
                                                                           : Phase::kExited,
                             ""};
      if (!now) return true;
    }
  }
  if (sandbox_id.empty()) return true;
  if (!owed.empty()) {
    try {
      send(event.id, sandbox_id, owed);
    } catch (const docker::DockerError& e) {
      // Not recorded as reported: the resynchronisation owes them again.
      spdlog::warn("container events: cannot read the pod of {} ({}); resynchronising", event.id,
                   e.message());
      return false;
    }
  }
  if (now) {
    reported_[event.id] = {*now, sandbox_id};
  } else {
    reported_.erase(event.id);
    deleted_.add(event.id);
  }
  return true;
}

void ContainerEventSource::send(const std::string& id, const std::string& sandbox_id,
                                const std::vector<cri::ContainerEventType>& owed) {
  const bool sandbox_deleted = id == sandbox_id && owed.back() == cri::CONTAINER_DELETED_EVENT;
  if (broadcaster_.subscribers() == 0) {
    if (sandbox_deleted) sandbox_statuses_.erase(sandbox_id);
    return;
  }
  const auto options = docker_options();
  auto pod = read_pod_state(docker_, sandbox_id, options);
  if (pod.sandbox) {
    sandbox_statuses_[sandbox_id] = *pod.sandbox;
  } else if (const auto last = sandbox_statuses_.find(sandbox_id); last != sandbox_statuses_.end()) {
    // Gone: kubelet still needs to know whose event it is (its metadata).
    pod.sandbox = last->second;
    pod.sandbox->set_state(cri::SANDBOX_NOTREADY);
  }
  for (const auto type : owed) {
    cri::ContainerEventResponse event;
    event.set_container_id(id);
    event.set_container_event_type(type);
    event.set_created_at(unix_nanos_now());
    if (pod.sandbox) *event.mutable_pod_sandbox_status() = *pod.sandbox;
    for (const auto& status : pod.containers) *event.add_containers_statuses() = status;
    spdlog::debug("container event {} {} (pod {})", event_name(type), id, sandbox_id);
    broadcaster_.publish(event);
  }
  if (sandbox_deleted) sandbox_statuses_.erase(sandbox_id);
}

}  // namespace shim::events
