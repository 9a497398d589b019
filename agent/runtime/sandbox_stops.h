// Which sandboxes of a pod being killed get a StopPodSandbox call (kubelet's
// killPodWithSyncResult stops every sandbox of the pod, whatever its state).
//
// Why not only the ready ones: NOTREADY does not mean torn down. When a
// sandbox's infra process dies, containerd reports the sandbox NOTREADY but
// keeps its network (the CNI IP stays allocated and portmap's DNAT rules stay
// in place, ahead of the replacement sandbox's, so the pod's hostPort goes to
// the dead IP) and refuses RemovePodSandbox ("network namespace ... is not
// fully closed") until StopPodSandbox has run. StopPodSandbox is idempotent;
// `stopped` (the sandboxes this agent already stopped) only spares repeating
// it on every sync of a finished pod.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "agent/runtime/pod_runtime_state.h"

namespace agent::runtime {

// Every ready sandbox, and every other one not in `stopped`, newest first.
std::vector<std::string> sandboxes_to_stop(const PodRuntimeState& state, const std::set<std::string>& stopped);

}  // namespace agent::runtime
