#include "agent/prober/results_cache.h"

namespace agent::prober {

void ResultsCache::set(const std::string& container_id, ProbeResult result, const std::string& pod_uid) {
  if (result == ProbeResult::Warning) result = ProbeResult::Success;
  bool changed = false;
  {
    std::lock_guard lock(mutex_);
    auto [it, inserted] = results_.try_emplace(container_id, result);
    changed = inserted || it->second != result;
    it->second = result;
  }
  if (changed && on_change_) on_change_(pod_uid);
}

std::optional<ProbeResult> ResultsCache::get(const std::string& container_id) const {
  std::lock_guard lock(mutex_);
  auto it = results_.find(container_id);
  if (it == results_.end()) return std::nullopt;
  return it->second;
}

void ResultsCache::remove(const std::string& container_id) {
  std::lock_guard lock(mutex_);
  results_.erase(container_id);
}

}  // namespace agent::prober
