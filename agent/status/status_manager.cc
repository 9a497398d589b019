#include "agent/status/status_manager.h"

#include <algorithm>
#include <tuple>

namespace agent::status {
namespace {

bool by_namespace_name(const PodRecord& a, const PodRecord& b) {
  return std::tie(a.pod.metadata.namespace_, a.pod.metadata.name) <
         std::tie(b.pod.metadata.namespace_, b.pod.metadata.name);
}

// What must not move between two generations of a pod's status.
void keep_stable_fields(const PodStatus& old, PodStatus& fresh) {
  if (old.start_time != 0) fresh.start_time = old.start_time;
  for (auto& c : fresh.conditions) {
    for (const auto& o : old.conditions) {
      if (o.type == c.type && o.status == c.status && o.last_transition_time != 0)
        c.last_transition_time = o.last_transition_time;
    }
  }
}

}  // namespace

void StatusManager::set(const pod::Pod& pod, PodStatus status) {
  std::lock_guard lock(mutex_);
  auto it = pods_.find(pod.metadata.uid);
  if (it != pods_.end()) keep_stable_fields(it->second.status, status);
  pods_[pod.metadata.uid] = PodRecord{pod, std::move(status)};
}

void StatusManager::remove(const std::string& uid) {
  std::lock_guard lock(mutex_);
  pods_.erase(uid);
}

void StatusManager::set_rejected(const std::string& source_key, std::vector<PodRecord> rejected) {
  for (auto& r : rejected) {
    r.status.phase = "Failed";
    if (r.status.reason.empty()) r.status.reason = "InvalidManifest";
  }
  std::lock_guard lock(mutex_);
  if (rejected.empty())
    rejected_.erase(source_key);
  else
    rejected_[source_key] = std::move(rejected);
}

std::vector<PodRecord> StatusManager::list() const {
  std::vector<PodRecord> pods, bad;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [uid, r] : pods_) pods.push_back(r);
    for (const auto& [key, records] : rejected_) bad.insert(bad.end(), records.begin(), records.end());
  }
  std::stable_sort(pods.begin(), pods.end(), by_namespace_name);
  std::stable_sort(bad.begin(), bad.end(), by_namespace_name);
  pods.insert(pods.end(), std::make_move_iterator(bad.begin()), std::make_move_iterator(bad.end()));
  return pods;
}

std::optional<PodRecord> StatusManager::get(const std::string& namespace_, const std::string& name) const {
  std::lock_guard lock(mutex_);
  auto match = [&](const PodRecord& r) {
    return r.pod.metadata.namespace_ == namespace_ && r.pod.metadata.name == name;
  };
  for (const auto& [uid, r] : pods_)
    if (match(r)) return r;
  for (const auto& [key, records] : rejected_)
    for (const auto& r : records)
      if (match(r)) return r;
  return std::nullopt;
}

std::optional<PodRecord> StatusManager::get_by_uid(const std::string& uid) const {
  std::lock_guard lock(mutex_);
  if (auto it = pods_.find(uid); it != pods_.end()) return it->second;
  for (const auto& [key, records] : rejected_)
    for (const auto& r : records)
      if (!uid.empty() && r.pod.metadata.uid == uid) return r;
  return std::nullopt;
}

}  // namespace agent::status
