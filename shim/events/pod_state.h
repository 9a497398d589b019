// The state one CRI container event carries, read from Docker at the time
// it is sent (as containerd does): the pod's sandbox status as
// PodSandboxStatus gives it, and the statuses of the pod's containers as
// ContainerStatus gives them. Plain inspects, not the inspect cache: the
// cache learns of an event through its own connection and may not have
// yet when this one is read.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "docker-client/client.h"
#include "runtime/v1/api.h"

namespace shim::events {

struct PodState {
  std::optional<cri::PodSandboxStatus> sandbox;  // nullopt: the sandbox is gone
  std::vector<cri::ContainerStatus> containers;  // those that exist now
};

// Throws docker::DockerError when dockerd cannot be asked; objects that
// vanish while being read are left out.
PodState read_pod_state(docker::Client& docker, const std::string& sandbox_id,
                        const docker::CallOptions& options);

}  // namespace shim::events
