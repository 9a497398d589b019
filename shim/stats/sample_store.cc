#include "shim/stats/sample_store.h"

namespace shim::stats {

std::optional<std::uint64_t> SampleStore::nano_cores(const std::string& key,
                                                     std::int64_t timestamp_ns,
                                                     std::uint64_t cpu_ns) {
  std::lock_guard lock(mutex_);
  auto [it, inserted] = entries_.try_emplace(key);
  Entry& entry = it->second;
  entry.last_seen_ns = timestamp_ns;
  if (inserted || cpu_ns < entry.base_cpu_ns || timestamp_ns < entry.base_timestamp_ns) {
    entry.base_timestamp_ns = timestamp_ns;
    entry.base_cpu_ns = cpu_ns;
    entry.rate.reset();
    return std::nullopt;
  }
  const std::int64_t elapsed = timestamp_ns - entry.base_timestamp_ns;
  if (elapsed < min_window_.count()) return entry.rate;
  // cpu delta (ns) per elapsed ns, times 1e9; long double keeps the
  // product of two large counts exact enough.
  const long double rate = static_cast<long double>(cpu_ns - entry.base_cpu_ns) * 1e9L /
                           static_cast<long double>(elapsed);
  entry.rate = static_cast<std::uint64_t>(rate);
  entry.base_timestamp_ns = timestamp_ns;
  entry.base_cpu_ns = cpu_ns;
  return entry.rate;
}

void SampleStore::prune(std::chrono::nanoseconds age, std::int64_t now_ns) {
  std::lock_guard lock(mutex_);
  for (auto it = entries_.begin(); it != entries_.end();)
    it = now_ns - it->second.last_seen_ns > age.count() ? entries_.erase(it) : std::next(it);
}

std::size_t SampleStore::size() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

}  // namespace shim::stats
