#include "agent/eviction/pod_disk_usage.h"

#include <sys/stat.h>

#include <variant>

#include "agent/stats/fs_usage.h"

namespace agent::eviction {

bool local_ephemeral_volume(const pod::Volume& volume) {
  if (const auto* empty_dir = std::get_if<pod::EmptyDirVolume>(&volume.source)) return !empty_dir->memory;
  if (const auto* object = std::get_if<pod::ObjectVolume>(&volume.source)) return !object->source.secret;
  return std::holds_alternative<pod::DownwardApiVolume>(volume.source);
}

void add_disk_usage(const std::vector<pod::Pod>& pods, const PodDiskPaths& paths, PodUsages& usages) {
  for (const auto& pod : pods) {
    const auto it = usages.find(pod.metadata.uid);
    if (it == usages.end()) continue;
    PodUsage& usage = it->second;
    if (paths.log_dir)
      for (auto& container : usage.containers) {
        const stats::DirUsage logs = stats::directory_usage(paths.log_dir(pod, container.name));
        container.logs_bytes = static_cast<int64_t>(logs.bytes);
        container.logs_inodes = static_cast<int64_t>(logs.inodes);
      }
    if (!paths.volume_dir) continue;
    usage.volumes.clear();
    for (const auto& volume : pod.spec.volumes) {
      if (!local_ephemeral_volume(volume)) continue;
      const stats::DirUsage used = stats::directory_usage(paths.volume_dir(pod, volume));
      usage.volumes.push_back({volume.name, static_cast<int64_t>(used.bytes), static_cast<int64_t>(used.inodes)});
    }
  }
}

bool on_different_filesystems(const std::string& a, const std::string& b) {
  struct stat sa {}, sb {};
  if (::stat(a.c_str(), &sa) != 0 || ::stat(b.c_str(), &sb) != 0) return false;
  return sa.st_dev != sb.st_dev;
}

}  // namespace agent::eviction
