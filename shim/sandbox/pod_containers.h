// Running an action on every container of a pod concurrently, so a pod of
// N containers takes one grace period to stop, not N. The pod's containers
// come from the container store (ContainerStore::pod_containers).
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace shim {

// Runs `action` for every ID on its own thread and waits for all; then
// rethrows the first failure, if any.
void for_each_concurrently(const std::vector<std::string>& ids,
                           const std::function<void(const std::string&)>& action);

}  // namespace shim
