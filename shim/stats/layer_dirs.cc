#include "shim/stats/layer_dirs.h"

#include "shim/stats/stats_collector.h"

namespace shim::stats {
namespace {
constexpr std::int64_t kPruneEveryNs = 60'000'000'000;
}  // namespace

std::string LayerDirs::upper_dir(const std::string& id, const std::function<std::string()>& look_up) {
  const std::int64_t now = now_unix_nanos();
  {
    std::lock_guard lock(mutex_);
    const auto it = dirs_.find(id);
    if (it != dirs_.end()) {
      it->second.last_used_ns = now;
      return it->second.dir;
    }
  }
  std::string dir = look_up();  // outside the lock: a Docker call
  std::lock_guard lock(mutex_);
  if (now - last_prune_ns_ >= kPruneEveryNs) prune_locked(now);
  dirs_[id] = Entry{dir, now};
  return dir;
}

void LayerDirs::prune() {
  std::lock_guard lock(mutex_);
  prune_locked(now_unix_nanos());
}

void LayerDirs::prune_locked(std::int64_t now_ns) {
  constexpr std::int64_t kMaxIdleNs = 600'000'000'000;
  last_prune_ns_ = now_ns;
  for (auto it = dirs_.begin(); it != dirs_.end();)
    it = now_ns - it->second.last_used_ns > kMaxIdleNs ? dirs_.erase(it) : std::next(it);
}

}  // namespace shim::stats
