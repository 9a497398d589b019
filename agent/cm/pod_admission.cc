#include "agent/cm/pod_admission.h"

namespace agent::cm {

namespace {

int64_t get(const ResourceMap& map, const char* key) {
  const auto it = map.find(key);
  return it == map.end() ? 0 : it->second;
}

AdmitResult insufficient(const std::string& resource, int64_t requested, int64_t used, int64_t capacity) {
  AdmitResult result;
  result.admit = false;
  result.reason = "OutOf" + resource;
  result.message = "Node didn't have enough resource: " + resource + ", requested: " + std::to_string(requested) +
                   ", used: " + std::to_string(used) + ", capacity: " + std::to_string(capacity);
  return result;
}

}  // namespace

AdmitResult check_fit(const PodResources& pod, const std::vector<PodResources>& active, const ResourceMap& allocatable) {
  const int64_t max_pods = get(allocatable, kPods);
  if (static_cast<int64_t>(active.size()) + 1 > max_pods)
    return insufficient(kPods, 1, static_cast<int64_t>(active.size()), max_pods);
  if (pod == PodResources{}) return {};
  PodResources used;
  for (const auto& r : active) {
    used.cpu_milli += r.cpu_milli;
    used.memory_bytes += r.memory_bytes;
    used.ephemeral_storage_bytes += r.ephemeral_storage_bytes;
  }
  const struct {
    const char* name;
    int64_t requested, used;
  } checks[] = {{kCpu, pod.cpu_milli, used.cpu_milli},
                {kMemory, pod.memory_bytes, used.memory_bytes},
                {kEphemeralStorage, pod.ephemeral_storage_bytes, used.ephemeral_storage_bytes}};
  for (const auto& c : checks) {
    const int64_t capacity = get(allocatable, c.name);
    if (c.requested > capacity - c.used) return insufficient(c.name, c.requested, c.used, capacity);
  }
  return {};
}

AdmitResult PodAdmitter::admit(const pod::Pod& pod, const std::function<bool(const std::string& uid)>& terminated) {
  const std::string& uid = pod.metadata.uid;
  std::lock_guard lock(mutex_);
  if (const auto it = rejected_.find(uid); it != rejected_.end()) return it->second;
  if (admitted_.count(uid)) return {};
  std::vector<PodResources> active;
  for (const auto& [other, requests] : admitted_)
    if (!terminated || !terminated(other)) active.push_back(requests);
  const PodResources requests = pod_requests(pod);
  AdmitResult result = check_fit(requests, active, allocatable_);
  if (result.admit) admitted_.emplace(uid, requests);
  else rejected_.emplace(uid, result);
  return result;
}

std::optional<AdmitResult> PodAdmitter::rejection(const std::string& uid) const {
  std::lock_guard lock(mutex_);
  const auto it = rejected_.find(uid);
  if (it == rejected_.end()) return std::nullopt;
  return it->second;
}

void PodAdmitter::forget(const std::string& uid) {
  std::lock_guard lock(mutex_);
  admitted_.erase(uid);
  rejected_.erase(uid);
}

}  // namespace agent::cm
