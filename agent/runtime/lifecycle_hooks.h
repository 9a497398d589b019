// A container's postStart or preStop hook, run once (kubelet's lifecycle
// HandlerRunner): exec through CRI ExecSync in the container (a non-zero
// exit fails it), httpGet to the handler's host or the pod's IP (a probe's
// GET: kubelet's headers, same-host redirects; as kubelet, only a request
// that gets no answer fails it, whatever the status).
//
// Returns "" when the hook succeeded, else the message kubelet records
// (FailedPostStartHook / FailedPreStopHook), naming the hook, the container
// and the pod. `timeout` 0 leaves an exec hook unbounded (postStart, as
// kubelet); the RPC still ends at the client's default deadline.
#pragma once

#include <chrono>
#include <string>

#include "agent/pod/pod_spec.h"

namespace agent::remote {
class CriClient;
}

namespace agent::runtime {

struct HookTarget {
  std::string container_id;    // the runtime's
  std::string container_name;
  std::string pod_ref;         // "<namespace>/<name>", for the message
  std::string pod_ip;
};

std::string run_lifecycle_hook(remote::CriClient& cri, const pod::LifecycleHandler& handler, const HookTarget& target,
                               std::chrono::seconds timeout);

}  // namespace agent::runtime
