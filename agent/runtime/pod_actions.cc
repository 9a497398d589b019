#include "agent/runtime/pod_actions.h"

namespace agent::runtime {

namespace {

bool succeeded(const ContainerState* c) { return c && c->phase == ContainerPhase::Exited && c->exit_code == 0; }

uint32_t next_restart_count(const ContainerState* latest) { return latest ? latest->restart_count + 1 : 0; }

// Every app container has succeeded at least in its newest run.
bool all_succeeded(const pod::PodSpec& spec, const PodRuntimeState& state) {
  for (const auto& c : spec.containers)
    if (!succeeded(state.latest_container(c.name))) return false;
  return true;
}

// The newest container named `name` of sandbox `sandbox_id`, or nullptr.
const ContainerState* latest_in_sandbox(const PodRuntimeState& state, const std::string& name,
                                        const std::string& sandbox_id) {
  for (const auto& c : state.containers)
    if (c.name == name && c.sandbox_id == sandbox_id) return &c;
  return nullptr;
}

// The init containers are done for a sandbox once one of its app containers
// was created in it. Only this sandbox counts: a new sandbox (its infra died,
// the node rebooted) runs every init container again, in order, before any
// app container, as kubelet does; containers of the old sandbox say nothing
// about the new one (kubelet, which cannot tell them apart, ignores exited
// app containers for the same reason).
bool any_app_container_created(const pod::PodSpec& spec, const PodRuntimeState& state, const std::string& sandbox_id) {
  for (const auto& c : spec.containers)
    if (latest_in_sandbox(state, c.name, sandbox_id)) return true;
  return false;
}

void keep_soonest(PodActions& actions, std::chrono::milliseconds wait) {
  if (!actions.requeue_after || wait < *actions.requeue_after) actions.requeue_after = wait;
}

}  // namespace

bool should_restart(pod::RestartPolicy policy, const ContainerState& exited) {
  switch (policy) {
    case pod::RestartPolicy::Always: return true;
    case pod::RestartPolicy::OnFailure: return exited.exit_code != 0;
    case pod::RestartPolicy::Never: return false;
  }
  return false;
}

PodActions compute_pod_actions(const pod::Pod& pod, const PodRuntimeState& state,
                               const std::function<std::string(const pod::Container&)>& hash_of,
                               const BackoffCheck& backoff, const ProbeFailure& probe_failure) {
  const auto& spec = pod.spec;
  PodActions actions;

  // --- The sandbox.
  const SandboxState* sandbox = state.latest_sandbox();
  int ready_sandboxes = 0;
  for (const auto& s : state.sandboxes) ready_sandboxes += s.ready ? 1 : 0;
  const bool sandbox_changed = !sandbox || !sandbox->ready || ready_sandboxes > 1;
  if (sandbox_changed) {
    // A pod that has run to its end is not brought back.
    const bool ran_before = sandbox != nullptr && !state.containers.empty();
    // A dead sandbox is killed too: NOTREADY may still hold its network
    // (sandbox_stops.h says which sandboxes the syncer then stops).
    if (ran_before && spec.restart_policy == pod::RestartPolicy::Never) {
      actions.finished = true;
      actions.kill_pod = true;
      return actions;
    }
    if (ran_before && spec.restart_policy == pod::RestartPolicy::OnFailure && all_succeeded(spec, state)) {
      actions.finished = true;
      actions.kill_pod = true;
      return actions;
    }
    actions.kill_pod = !state.sandboxes.empty() || !state.containers.empty();
    actions.create_sandbox = true;
    actions.sandbox_attempt = sandbox ? sandbox->attempt + 1 : 0;
    if (!spec.init_containers.empty()) {
      actions.containers_to_start.push_back(
          {0, true, next_restart_count(state.latest_container(spec.init_containers[0].name)), ""});
      return actions;
    }
    for (std::size_t i = 0; i < spec.containers.size(); ++i) {
      const ContainerState* latest = state.latest_container(spec.containers[i].name);
      if (spec.restart_policy == pod::RestartPolicy::OnFailure && succeeded(latest)) continue;
      actions.containers_to_start.push_back({i, false, next_restart_count(latest), ""});
    }
    return actions;
  }
  actions.sandbox_id = sandbox->id;

  auto created_in_sandbox = [&](const ContainerState* c) {
    return c && c->phase == ContainerPhase::Created && c->sandbox_id == sandbox->id ? c->id : std::string();
  };

  // --- Init containers, one at a time, until the app containers exist.
  if (!spec.init_containers.empty() && !any_app_container_created(spec, state, sandbox->id)) {
    for (std::size_t i = 0; i < spec.init_containers.size(); ++i) {
      const auto& init = spec.init_containers[i];
      const ContainerState* latest = latest_in_sandbox(state, init.name, sandbox->id);
      if (!latest || latest->phase == ContainerPhase::Created) {
        // Its restart count goes on from its newest run in any sandbox.
        actions.containers_to_start.push_back(
            {i, true, next_restart_count(state.latest_container(init.name)), created_in_sandbox(latest)});
        return actions;
      }
      if (latest->phase == ContainerPhase::Running || latest->phase == ContainerPhase::Unknown) return actions;
      if (succeeded(latest)) continue;
      // It failed.
      if (spec.restart_policy == pod::RestartPolicy::Never) {
        actions.pod_failed = true;
        actions.finished = true;
        actions.kill_pod = true;
        return actions;
      }
      if (auto wait = backoff(*latest); wait.count() > 0) {
        actions.backing_off.emplace_back(init.name, "back-off " + std::to_string(wait.count() / 1000) +
                                                        "s restarting failed container=" + init.name);
        keep_soonest(actions, wait);
        return actions;
      }
      actions.containers_to_start.push_back({i, true, next_restart_count(latest), ""});
      return actions;
    }
    // Every init container succeeded: fall through to the app containers.
  }

  // --- App containers.
  for (std::size_t i = 0; i < spec.containers.size(); ++i) {
    const auto& container = spec.containers[i];
    const ContainerState* latest = state.latest_container(container.name);
    if (!latest) {
      actions.containers_to_start.push_back({i, false, 0, ""});
      continue;
    }
    switch (latest->phase) {
      case ContainerPhase::Running:
        if (latest->hash != hash_of(container)) {
          actions.containers_to_kill.push_back({latest->id, container.name, "its spec changed", std::nullopt});
          actions.containers_to_start.push_back({i, false, latest->restart_count + 1, ""});
        } else if (const auto failed = probe_failure ? probe_failure(container, *latest) : std::nullopt) {
          const bool liveness = *failed == pod::ProbeKind::Liveness;
          const std::optional<pod::Probe>& probe = liveness ? container.liveness_probe : container.startup_probe;
          std::string message = "Container " + container.name + " failed " + (liveness ? "liveness" : "startup") +
                                " probe";
          if (spec.restart_policy != pod::RestartPolicy::Never) message += ", will be restarted";
          actions.containers_to_kill.push_back(
              {latest->id, container.name, std::move(message),
               probe ? probe->termination_grace_period_seconds : std::nullopt});
          keep_soonest(actions, std::chrono::milliseconds(0));
        }
        break;
      case ContainerPhase::Created:
        if (latest->sandbox_id == sandbox->id && latest->hash == hash_of(container)) {
          actions.containers_to_start.push_back({i, false, latest->restart_count, latest->id});
        } else {
          actions.containers_to_kill.push_back({latest->id, container.name, "created for another sandbox or spec", std::nullopt});
          actions.containers_to_start.push_back({i, false, latest->restart_count + 1, ""});
        }
        break;
      case ContainerPhase::Exited:
      case ContainerPhase::Unknown: {
        const bool changed = latest->hash != hash_of(container);
        // An Unknown container may still run: kill it before a replacement
        // starts, as kubelet does, so two never run at once.
        const bool kill_first = latest->phase == ContainerPhase::Unknown;
        if (!changed && !should_restart(spec.restart_policy, *latest)) break;
        if (!changed) {
          if (auto wait = backoff(*latest); wait.count() > 0) {
            actions.backing_off.emplace_back(
                container.name, "back-off " + std::to_string((wait.count() + 999) / 1000) +
                                    "s restarting failed container=" + container.name + " pod=" + pod.metadata.name +
                                    "_" + pod.metadata.namespace_ + "(" + pod.metadata.uid + ")");
            keep_soonest(actions, wait);
            break;
          }
        }
        if (kill_first) actions.containers_to_kill.push_back({latest->id, container.name, "its state is unknown", std::nullopt});
        actions.containers_to_start.push_back({i, false, latest->restart_count + 1, ""});
        break;
      }
    }
  }

  // Containers the spec no longer names (a sidecar edited out of a pod that
  // keeps its UID) are killed, as kubelet does.
  for (const auto& c : state.containers) {
    if (c.phase != ContainerPhase::Running && c.phase != ContainerPhase::Created && c.phase != ContainerPhase::Unknown)
      continue;
    bool named = false;
    for (const auto& s : spec.containers) named = named || s.name == c.name;
    for (const auto& s : spec.init_containers) named = named || s.name == c.name;
    if (!named) actions.containers_to_kill.push_back({c.id, c.name, "the pod's spec no longer names it", std::nullopt});
  }
  if (spec.restart_policy != pod::RestartPolicy::Always && actions.containers_to_start.empty() &&
      actions.backing_off.empty()) {
    bool all_exited = true;
    for (const auto& c : spec.containers) {
      const ContainerState* latest = state.latest_container(c.name);
      all_exited = all_exited && latest && latest->phase == ContainerPhase::Exited;
    }
    // Kubelet stops a finished pod's sandbox.
    if (all_exited) {
      actions.finished = true;
      actions.kill_pod = true;
    }
  }
  return actions;
}

}  // namespace agent::runtime
