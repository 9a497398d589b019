#include "shim/stats/writable_layer.h"

namespace shim::stats {

FsUsage WritableLayerUsage::get(const std::string& upper_dir) {
  const auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard lock(mutex_);
    const auto it = walks_.find(upper_dir);
    if (it != walks_.end() && now - it->second.at < max_age_) return it->second.usage;
  }
  // Outside the lock: two callers may walk the same layer at once, which
  // is cheaper than making every other layer wait for this one.
  Walk walk{measure_disk_usage({upper_dir}), now};
  std::lock_guard lock(mutex_);
  walks_[upper_dir] = walk;
  return walk.usage;
}

void WritableLayerUsage::prune() {
  const auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(mutex_);
  for (auto it = walks_.begin(); it != walks_.end();)
    it = now - it->second.at > std::chrono::minutes(1) ? walks_.erase(it) : std::next(it);
}

}  // namespace shim::stats
