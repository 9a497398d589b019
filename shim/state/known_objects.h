// The kinds of Docker objects the shim has met, by full ID.
//
// Whether a Docker container is a sandbox or a container is in its labels,
// which Docker never changes, and an ID is never reused; so once the shim
// made or inspected an object it knows the kind for good, and the calls
// that only need the ID and the kind (stop, remove) need no inspect to
// check it. Only a cache: a restarted shim learns again on first use, and
// an object removed behind the shim's back is answered by Docker's 404.
// Thread-safe.
#pragma once

#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "shim/state/labels.h"

namespace shim {

class KnownObjects {
 public:
  void remember(const std::string& full_id, DockerObjectKind kind);
  void forget(const std::string& full_id);
  // nullopt unless `id` is a full ID met before.
  std::optional<DockerObjectKind> kind_of(std::string_view id) const;

 private:
  mutable std::mutex mutex_;
  std::unordered_map<std::string, DockerObjectKind> kinds_;
};

}  // namespace shim
