#include "shim/state/creation_times.h"

#include "docker-client/time_util.h"

namespace shim {

std::int64_t CreationTimes::nanos(const std::string& id, std::int64_t fallback,
                                  const docker::CallOptions& options) {
  {
    std::lock_guard lock(mutex_);
    if (const auto it = nanos_.find(id); it != nanos_.end()) return it->second;
  }
  std::optional<std::int64_t> created;
  try {
    created = docker::try_parse_rfc3339_nanos(docker_.inspect_container(id, false, options).created);
  } catch (const docker::DockerError& e) {
    if (!e.not_found()) throw;
  }
  if (!created) return fallback;  // gone meanwhile: not remembered
  std::lock_guard lock(mutex_);
  nanos_[id] = *created;
  return *created;
}

void CreationTimes::forget(const std::string& id) {
  std::lock_guard lock(mutex_);
  nanos_.erase(id);
}

}  // namespace shim
