#include "shim/state/known_objects.h"

namespace shim {

void KnownObjects::remember(const std::string& full_id, DockerObjectKind kind) {
  std::lock_guard lock(mutex_);
  kinds_[full_id] = kind;
}

void KnownObjects::forget(const std::string& full_id) {
  std::lock_guard lock(mutex_);
  kinds_.erase(full_id);
}

std::optional<DockerObjectKind> KnownObjects::kind_of(std::string_view id) const {
  std::lock_guard lock(mutex_);
  const auto it = kinds_.find(std::string(id));
  if (it == kinds_.end()) return std::nullopt;
  return it->second;
}

}  // namespace shim
