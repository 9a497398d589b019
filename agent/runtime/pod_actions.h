// What a pod needs next, given its spec and what the runtime holds (kubelet's
// kuberuntime computePodActions). Pure: the crash-loop back-off is asked
// through a callback, so every rule is unit-tested.
//
// The rules:
// - The sandbox is recreated (and everything of the old one killed) when
//   there is none, the newest is not ready, or more than one is ready,
//   unless the pod has finished for good: restartPolicy Never with a
//   sandbox that already ran, or OnFailure with every app container
//   succeeded.
// - Init containers run one at a time in spec order, again in every new
//   sandbox (only the current sandbox's containers count); a failed one is
//   restarted unless restartPolicy is Never, which fails the pod (kill it).
// - App containers start once every init container has succeeded; an
//   exited one restarts by policy (Always; OnFailure when it failed); a
//   running one whose spec hash changed is killed and started again.
// - A container in back-off is not started; the pod is looked at again
//   when the back-off ends (requeue_after).
// - A running container whose liveness or startup probe failed is killed
//   (with the probe's grace period, if it has one) and the pod looked at
//   again at once: the restart policy and back-off then apply to it as to
//   any container that exited.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "agent/pod/pod_spec.h"
#include "agent/pod/probe_parser.h"
#include "agent/runtime/pod_runtime_state.h"

namespace agent::runtime {

struct ContainerToKill {
  std::string id;
  std::string name;
  std::string reason;  // for the log
  // The grace period of this kill when not the pod's (a failed probe's own
  // terminationGracePeriodSeconds).
  std::optional<int64_t> grace_seconds;
};

struct ContainerToStart {
  std::size_t index = 0;      // in spec.containers, or spec.init_containers when `init`
  bool init = false;
  uint32_t restart_count = 0;  // the new container's
  // An existing container of the current sandbox that was created but never
  // started (the agent died in between): start it rather than make another.
  std::string created_id;
};

struct PodActions {
  bool kill_pod = false;          // stop every container and every sandbox not yet stopped (sandbox_stops.h)
  bool create_sandbox = false;
  uint32_t sandbox_attempt = 0;   // when create_sandbox
  std::string sandbox_id;         // the sandbox to use when not creating one
  std::vector<ContainerToKill> containers_to_kill;
  std::vector<ContainerToStart> containers_to_start;  // at most one init container
  // Containers waiting on their crash-loop back-off: name -> message.
  std::vector<std::pair<std::string, std::string>> backing_off;
  std::optional<std::chrono::milliseconds> requeue_after;
  bool pod_failed = false;        // an init container failed under restartPolicy Never
  bool finished = false;          // nothing will ever run again (Never/OnFailure done)
};

// Asked for an exited container that should restart: how long it must still
// wait (0 = may restart now, which also records the restart in the back-off).
using BackoffCheck = std::function<std::chrono::milliseconds(const ContainerState& exited)>;

// Asked for a running container: whether its liveness or startup probe has
// counted a failure (which one), or neither.
using ProbeFailure = std::function<std::optional<pod::ProbeKind>(const pod::Container&, const ContainerState& running)>;

PodActions compute_pod_actions(const pod::Pod& pod, const PodRuntimeState& state,
                               const std::function<std::string(const pod::Container&)>& hash_of,
                               const BackoffCheck& backoff, const ProbeFailure& probe_failure = {});

// Whether an exited container should run again under the pod's policy.
bool should_restart(pod::RestartPolicy policy, const ContainerState& exited);

}  // namespace agent::runtime
