#include "agent/eviction/pod_stats.h"

#include <algorithm>

#include "common/kubernetes_keys.h"

namespace agent::eviction {

PodUsages pod_usages(const cri::ListContainerStatsResponse& response) {
  PodUsages out;
  for (const auto& s : response.stats()) {
    const auto& labels = s.attributes().labels();
    const auto uid = labels.find(common::kube::kPodUidLabel);
    if (uid == labels.end()) continue;
    ContainerUsage usage;
    usage.name = s.attributes().metadata().name();
    if (s.has_memory() && s.memory().has_working_set_bytes())
      usage.memory_working_set = static_cast<int64_t>(s.memory().working_set_bytes().value());
    if (s.has_writable_layer()) {
      if (s.writable_layer().has_used_bytes())
        usage.rootfs_bytes = static_cast<int64_t>(s.writable_layer().used_bytes().value());
      if (s.writable_layer().has_inodes_used())
        usage.rootfs_inodes = static_cast<int64_t>(s.writable_layer().inodes_used().value());
    }
    auto& containers = out[uid->second].containers;
    auto same = std::find_if(containers.begin(), containers.end(),
                             [&usage](const ContainerUsage& c) { return c.name == usage.name; });
    if (same == containers.end()) containers.push_back(std::move(usage));
    else if (usage.memory_working_set.value_or(0) > same->memory_working_set.value_or(0)) *same = std::move(usage);
  }
  for (auto& [uid, pod] : out)
    std::sort(pod.containers.begin(), pod.containers.end(),
              [](const ContainerUsage& a, const ContainerUsage& b) { return a.name < b.name; });
  return out;
}

}  // namespace agent::eviction
