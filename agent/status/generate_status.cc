#include "agent/status/generate_status.h"

#include <map>
#include <set>

#include "agent/pod/qos_class.h"

namespace agent::status {
namespace {

using runtime::ContainerPhase;

int64_t ns_to_s(int64_t ns) { return ns > 0 ? ns / 1000000000 : 0; }

std::string full_id(const std::string& runtime_name, const std::string& id) {
  if (id.empty()) return "";
  return (runtime_name.empty() ? std::string("cri") : runtime_name) + "://" + id;
}

// kubelet's convertContainerStatus for one runtime container.
ContainerState state_of(const runtime::ContainerState& c, const std::string& runtime_name) {
  ContainerState s;
  switch (c.phase) {
    case ContainerPhase::Running:
      s.running = ContainerStateRunning{ns_to_s(c.started_at_ns)};
      break;
    case ContainerPhase::Exited: {
      ContainerStateTerminated t;
      t.exit_code = c.exit_code;
      // CRI runtimes give a reason; one that does not still gets kubelet's words.
      t.reason = !c.reason.empty() ? c.reason : (c.exit_code == 0 ? "Completed" : "Error");
      t.message = c.message;
      t.started_at = ns_to_s(c.started_at_ns);
      t.finished_at = ns_to_s(c.finished_at_ns);
      t.container_id = full_id(runtime_name, c.id);
      s.terminated = std::move(t);
      break;
    }
    case ContainerPhase::Created:
      // Created but not started: waiting to run, as kubelet shows it.
      s.waiting = ContainerStateWaiting{"ContainerCreating", ""};
      break;
    case ContainerPhase::Unknown:
      s.waiting = ContainerStateWaiting{};
      break;
  }
  return s;
}

bool completed(const ContainerStatus& s) { return s.state.terminated && s.state.terminated->exit_code == 0; }

// Whether a waiting reason from the last sync may replace this state: only
// for a container that will run (again), as kubelet's
// ShouldContainerBeRestarted decides. A running container is not waiting; a
// completed init container, one that ended as its policy wants, or any of a
// pod killed for good, will not run again, whatever the last sync said.
bool may_wait(const ContainerStatus& st, bool init, pod::RestartPolicy policy, const runtime::SyncResult& last_sync) {
  if (st.state.running || last_sync.terminated) return false;
  if (!st.state.terminated) return true;
  if (init && completed(st)) return false;
  switch (policy) {
    case pod::RestartPolicy::Always: return true;
    case pod::RestartPolicy::OnFailure: return !completed(st);
    case pod::RestartPolicy::Never: return false;
  }
  return true;
}

// The statuses of `containers` in spec order (kubelet's
// convertToAPIContainerStatuses): the newest runtime container gives the
// state, the one before it lastState, and a waiting reason from the last
// sync replaces the state of a container that is not running.
std::vector<ContainerStatus> container_statuses(const std::vector<pod::Container>& containers, bool init,
                                                const std::string& default_reason,
                                                const runtime::PodRuntimeState& state,
                                                pod::RestartPolicy policy, const runtime::SyncResult& last_sync,
                                                const std::string& runtime_name, const ProbeSucceeded& probes) {
  std::vector<ContainerStatus> out;
  out.reserve(containers.size());
  for (const auto& spec : containers) {
    ContainerStatus st;
    st.name = spec.name;
    st.image = spec.image;
    const runtime::ContainerState* latest = state.latest_container(spec.name);
    if (latest == nullptr) {
      st.state.waiting = ContainerStateWaiting{default_reason, ""};
    } else {
      st.state = state_of(*latest, runtime_name);
      st.restart_count = static_cast<int32_t>(latest->restart_count);
      st.image_id = latest->image_ref;
      st.container_id = full_id(runtime_name, latest->id);
      if (const auto* prev = state.previous_container(spec.name);
          prev != nullptr && prev->phase == ContainerPhase::Exited)
        st.last_state = state_of(*prev, runtime_name);
    }

    auto waiting = last_sync.waiting.find(spec.name);
    if (waiting != last_sync.waiting.end() && may_wait(st, init, policy, last_sync)) {
      if (st.state.terminated) st.last_state = st.state;
      st.state = ContainerState{};
      st.state.waiting = ContainerStateWaiting{waiting->second.reason, waiting->second.message};
    }

    const bool running = st.state.running.has_value();
    // A startup probe holds `started` until its first success; a readiness
    // probe holds `ready` until its first success, and neither is ready
    // before it has started (kubelet's status manager).
    const std::string id = latest != nullptr ? latest->id : "";
    auto succeeded = [&](pod::ProbeKind kind) { return probes && probes(kind, id); };
    const bool started = running && (!spec.startup_probe || succeeded(pod::ProbeKind::Startup));
    const bool probed_ready = started && (!spec.readiness_probe || succeeded(pod::ProbeKind::Readiness));
    // kubelet reports a completed init container as ready.
    st.ready = probed_ready || (init && completed(st));
    st.started = started;
    out.push_back(std::move(st));
  }
  return out;
}

// kubelet's getPhase over the container statuses just computed.
std::string phase_of(const pod::PodSpec& spec, const std::vector<ContainerStatus>& init_statuses,
                     const std::vector<ContainerStatus>& statuses, bool pod_is_terminal) {
  int pending_init = 0, failed_init = 0;
  for (const auto& s : init_statuses) {
    if (s.state.running) {
      ++pending_init;
    } else if (s.state.terminated) {
      if (s.state.terminated->exit_code != 0) ++failed_init;
    } else if (s.last_state.terminated && s.last_state.terminated->exit_code != 0) {
      ++failed_init;  // waiting to be retried after a failure
    } else {
      ++pending_init;
    }
  }
  if (failed_init > 0 && spec.restart_policy == pod::RestartPolicy::Never) return "Failed";

  int running = 0, waiting = 0, stopped = 0, succeeded = 0;
  for (const auto& s : statuses) {
    if (s.state.running) {
      ++running;
    } else if (s.state.terminated) {
      ++stopped;
      if (s.state.terminated->exit_code == 0) ++succeeded;
    } else if (s.last_state.terminated) {
      ++stopped;  // waiting to restart: it has run
    } else {
      ++waiting;
    }
  }

  if (pending_init > 0 || failed_init > 0 || waiting > 0) return "Pending";
  if (running > 0) return "Running";
  if (stopped > 0) {
    if (pod_is_terminal) return stopped == succeeded ? "Succeeded" : "Failed";
    if (spec.restart_policy == pod::RestartPolicy::Always) return "Running";  // restarting
    if (stopped == succeeded) return "Succeeded";
    if (spec.restart_policy == pod::RestartPolicy::Never) return "Failed";
    return "Running";  // OnFailure: the failed ones restart
  }
  return "Pending";
}

// Go's fmt %s of a []string: "[a b]".
std::string bracketed(const std::vector<std::string>& names) {
  std::string out = "[";
  for (size_t i = 0; i < names.size(); ++i) {
    if (i) out += ' ';
    out += names[i];
  }
  return out + "]";
}

PodCondition initialized_condition(const std::vector<ContainerStatus>& init_statuses, const std::string& phase,
                                   int64_t now) {
  PodCondition c{"Initialized", "True", "", "", now};
  if (phase == "Succeeded") {
    c.reason = "PodCompleted";
    return c;
  }
  std::vector<std::string> incomplete;
  for (const auto& s : init_statuses)
    if (!completed(s)) incomplete.push_back(s.name);
  if (!incomplete.empty()) {
    c.status = "False";
    c.reason = "ContainersNotInitialized";
    c.message = "containers with incomplete status: " + bracketed(incomplete);
  }
  return c;
}

PodCondition containers_ready_condition(const std::vector<ContainerStatus>& statuses, const std::string& phase,
                                        int64_t now) {
  PodCondition c{"ContainersReady", "True", "", "", now};
  if (phase == "Succeeded" || phase == "Failed") {
    c.status = "False";
    c.reason = phase == "Succeeded" ? "PodCompleted" : "PodFailed";
    return c;
  }
  std::vector<std::string> unready;
  for (const auto& s : statuses)
    if (!s.ready) unready.push_back(s.name);
  if (!unready.empty()) {
    c.status = "False";
    c.reason = "ContainersNotReady";
    c.message = "containers with unready status: " + bracketed(unready);
  }
  return c;
}

}  // namespace

std::string qos_class(const pod::PodSpec& spec) { return pod::to_string(pod::qos_class(spec)); }

PodStatus generate_pod_status(const pod::Pod& pod, const runtime::PodRuntimeState& state,
                              const runtime::SyncResult& last_sync, const std::string& runtime_name,
                              const std::string& host_ip, int64_t now, const ProbeSucceeded& probes) {
  const auto& spec = pod.spec;
  PodStatus s;

  s.init_container_statuses =
      container_statuses(spec.init_containers, true, "PodInitializing", state, spec.restart_policy, last_sync,
                         runtime_name, probes);
  bool init_done = true;
  for (const auto& st : s.init_container_statuses)
    if (!completed(st)) init_done = false;
  // App containers wait on the init containers first, then on their own creation.
  s.container_statuses = container_statuses(spec.containers, false,
                                            init_done ? "ContainerCreating" : "PodInitializing", state,
                                            spec.restart_policy, last_sync, runtime_name, probes);

  s.phase = phase_of(spec, s.init_container_statuses, s.container_statuses, last_sync.terminated);

  PodCondition containers_ready = containers_ready_condition(s.container_statuses, s.phase, now);
  PodCondition ready = containers_ready;
  ready.type = "Ready";
  s.conditions.push_back(initialized_condition(s.init_container_statuses, s.phase, now));
  s.conditions.push_back(std::move(ready));
  s.conditions.push_back(std::move(containers_ready));
  s.conditions.push_back(PodCondition{"PodScheduled", "True", "", "", now});

  s.message = last_sync.pod_error;
  s.host_ip = host_ip;
  if (spec.host_network && !host_ip.empty()) {
    // A host-network pod has the node's address (kubelet does the same).
    s.pod_ip = host_ip;
    s.pod_ips = {host_ip};
  } else {
    for (const auto& sb : state.sandboxes) {
      if (!sb.ready || sb.ip.empty()) continue;
      s.pod_ip = sb.ip;
      s.pod_ips.push_back(sb.ip);
      for (const auto& ip : sb.additional_ips)
        if (!ip.empty() && ip != sb.ip) s.pod_ips.push_back(ip);
      break;  // sandboxes are newest first
    }
  }
  s.start_time = now;
  s.qos_class = status::qos_class(spec);
  return s;
}

}  // namespace agent::status
