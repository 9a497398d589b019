#include "agent/eviction/local_storage.h"

#include <algorithm>
#include <optional>
#include <variant>

#include "agent/eviction/eviction_message.h"

namespace agent::eviction {

namespace {

const pod::EmptyDirVolume* disk_empty_dir(const pod::Volume& volume) {
  const auto* empty_dir = std::get_if<pod::EmptyDirVolume>(&volume.source);
  return empty_dir != nullptr && !empty_dir->memory ? empty_dir : nullptr;
}

const VolumeUsage* volume_usage(const PodUsage& usage, const std::string& name) {
  for (const auto& v : usage.volumes)
    if (v.name == name) return &v;
  return nullptr;
}

std::optional<std::string> empty_dir_violation(const pod::Pod& pod, const PodUsage& usage) {
  for (const auto& volume : pod.spec.volumes) {
    const auto* empty_dir = disk_empty_dir(volume);
    if (empty_dir == nullptr || empty_dir->size_limit_bytes.value_or(0) <= 0) continue;
    const VolumeUsage* used = volume_usage(usage, volume.name);
    if (used != nullptr && used->bytes > *empty_dir->size_limit_bytes)
      return "Usage of EmptyDir volume \"" + volume.name + "\" exceeds the limit \"" +
             format_binary_quantity(*empty_dir->size_limit_bytes) + "\". ";
  }
  return std::nullopt;
}

// kubelet's PodLimits for ephemeral-storage; nullopt when no container,
// app or init, declares a limit.
std::optional<int64_t> pod_limit(const pod::Pod& pod) {
  std::optional<int64_t> total;
  for (const auto& c : pod.spec.containers)
    if (const auto limit = c.resources.limits.ephemeral_storage_bytes) total = total.value_or(0) + *limit;
  for (const auto& c : pod.spec.init_containers)
    if (const auto limit = c.resources.limits.ephemeral_storage_bytes) total = std::max(total.value_or(0), *limit);
  return total;
}

std::optional<std::string> pod_violation(const pod::Pod& pod, const PodUsage& usage) {
  const auto limit = pod_limit(pod);
  if (!limit || pod_ephemeral_usage(usage) <= *limit) return std::nullopt;
  return "Pod ephemeral local storage usage exceeds the total limit of containers " + format_binary_quantity(*limit) +
         ". ";
}

std::optional<std::string> container_violation(const pod::Pod& pod, const PodUsage& usage, bool dedicated_image_fs) {
  for (const auto& stats : usage.containers) {
    const auto spec = std::find_if(pod.spec.containers.begin(), pod.spec.containers.end(),
                                   [&stats](const pod::Container& c) { return c.name == stats.name; });
    if (spec == pod.spec.containers.end()) continue;
    const int64_t limit = spec->resources.limits.ephemeral_storage_bytes.value_or(0);
    if (limit == 0) continue;
    int64_t used = stats.logs_bytes.value_or(0);
    // On a dedicated image filesystem the writable layer is not the node's disk.
    if (!dedicated_image_fs) used += stats.rootfs_bytes.value_or(0);
    if (used > limit)
      return "Container " + stats.name + " exceeded its local ephemeral storage limit \"" +
             format_binary_quantity(limit) + "\". ";
  }
  return std::nullopt;
}

}  // namespace

bool has_local_storage_limits(const pod::Pod& pod) {
  for (const auto& volume : pod.spec.volumes)
    if (const auto* empty_dir = disk_empty_dir(volume); empty_dir != nullptr && empty_dir->size_limit_bytes) return true;
  for (const auto* list : {&pod.spec.containers, &pod.spec.init_containers})
    for (const auto& c : *list)
      if (c.resources.limits.ephemeral_storage_bytes) return true;
  return false;
}

int64_t pod_ephemeral_usage(const PodUsage& usage) { return usage.disk_bytes(DiskParts{}); }

std::vector<StorageViolation> local_storage_violations(const std::vector<pod::Pod>& pods, const PodUsages& usages,
                                                       bool dedicated_image_fs) {
  std::vector<StorageViolation> out;
  for (const auto& pod : pods) {
    if (is_critical(pod)) continue;
    const auto it = usages.find(pod.metadata.uid);
    if (it == usages.end()) continue;
    std::optional<std::string> message = empty_dir_violation(pod, it->second);
    if (!message) message = pod_violation(pod, it->second);
    if (!message) message = container_violation(pod, it->second, dedicated_image_fs);
    if (message) out.push_back({pod, *message});
  }
  return out;
}

}  // namespace agent::eviction
