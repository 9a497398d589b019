// What one sync of a pod learned that the runtime cannot tell back: why a
// container is waiting (image pull errors, back-off, a create that failed),
// for the status manager to report as kubelet does.
#pragma once

#include <map>
#include <string>

namespace agent::runtime {

struct WaitingReason {
  std::string reason;   // ErrImagePull, ImagePullBackOff, ErrImageNeverPull,
                        // CrashLoopBackOff, CreateContainerError,
                        // CreateContainerConfigError, RunContainerError
  std::string message;
};

struct SyncResult {
  std::map<std::string, WaitingReason> waiting;  // by container name
  std::string pod_error;                          // e.g. a sandbox that failed to start
  bool terminated = false;                        // the pod was killed for good
};

}  // namespace agent::runtime
