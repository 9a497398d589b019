// Where each container's writable layer is (overlay2's GraphDriver.Data.
// UpperDir), asked of Docker once per container: it never changes while the
// container exists, and the container store (state/container_store.h) keeps
// records without the GraphDriver part. Thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <unordered_map>

namespace shim::stats {

class LayerDirs {
 public:
  // The writable layer of `id`: remembered, or `look_up()` (a Docker
  // inspect; "" when the storage driver names none, which is remembered
  // too). Exceptions of `look_up` pass through and nothing is remembered.
  std::string upper_dir(const std::string& id, const std::function<std::string()>& look_up);
  // Forgets the containers not asked about for ten minutes (removed ones).
  // upper_dir() does it too, at most once a minute, when it adds one.
  void prune();

 private:
  void prune_locked(std::int64_t now_ns);

  struct Entry {
    std::string dir;
    std::int64_t last_used_ns = 0;
  };
  std::mutex mutex_;
  std::unordered_map<std::string, Entry> dirs_;
  std::int64_t last_prune_ns_ = 0;
};

}  // namespace shim::stats
