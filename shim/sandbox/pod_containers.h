// The containers of one pod: listed by the io.kubernetes.sandbox.id label
// that every container carries (cri-dockerd's too), and stopped or removed
// together, concurrently, so a pod of N containers takes one grace period
// to stop, not N.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "docker-client/client.h"

namespace shim {

// IDs of the pod's containers; running ones only unless `all`.
std::vector<std::string> pod_container_ids(docker::Client& docker, const std::string& sandbox_id,
                                           bool all, const docker::CallOptions& options);

// Runs `action` for every ID on its own thread and waits for all; then
// rethrows the first failure, if any.
void for_each_concurrently(const std::vector<std::string>& ids,
                           const std::function<void(const std::string&)>& action);

}  // namespace shim
