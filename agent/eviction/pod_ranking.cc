#include "agent/eviction/pod_ranking.h"

#include <algorithm>
#include <functional>

namespace agent::eviction {

namespace {

constexpr int32_t kCriticalPriority = 2000000000;

// -1: a goes first, 1: b goes first, 0: undecided.
using Cmp = std::function<int(const pod::Pod&, const pod::Pod&)>;

int cmp_bool_first(bool a, bool b) { return a == b ? 0 : (a ? -1 : 1); }

void ordered_by(std::vector<pod::Pod>& pods, const std::vector<Cmp>& cmps) {
  std::stable_sort(pods.begin(), pods.end(), [&cmps](const pod::Pod& a, const pod::Pod& b) {
    for (const auto& cmp : cmps)
      if (const int r = cmp(a, b); r != 0) return r < 0;
    return false;
  });
}

const PodUsage* usage_of(const PodUsages& usage, const pod::Pod& pod) {
  const auto it = usage.find(pod.metadata.uid);
  return it == usage.end() ? nullptr : &it->second;
}

Cmp by_priority() {
  return [](const pod::Pod& a, const pod::Pod& b) {
    const auto pa = priority(a), pb = priority(b);
    return pa == pb ? 0 : (pa < pb ? -1 : 1);
  };
}

// Wraps `f(usage_a, usage_b)` with kubelet's rule for pods without stats.
Cmp with_stats(const PodUsages& usage,
               std::function<int(const pod::Pod&, const PodUsage&, const pod::Pod&, const PodUsage&)> f) {
  return [&usage, f = std::move(f)](const pod::Pod& a, const pod::Pod& b) {
    const PodUsage* ua = usage_of(usage, a);
    const PodUsage* ub = usage_of(usage, b);
    if (!ua || !ub) return cmp_bool_first(!ua, !ub);
    return f(a, *ua, b, *ub);
  };
}

int64_t disk_of(const PodUsage& u, DiskResource r, DiskParts parts) {
  return r == DiskResource::Bytes ? u.disk_bytes(parts) : u.disk_inodes(parts);
}

// The sum over the parts asked for, of either bytes or inodes.
int64_t disk_sum(const PodUsage& u, DiskParts parts, bool bytes) {
  int64_t total = 0;
  for (const auto& c : u.containers) {
    if (parts.writable_layers) total += (bytes ? c.rootfs_bytes : c.rootfs_inodes).value_or(0);
    if (parts.logs) total += (bytes ? c.logs_bytes : c.logs_inodes).value_or(0);
  }
  if (parts.volumes)
    for (const auto& v : u.volumes) total += bytes ? v.bytes : v.inodes;
  return total;
}

}  // namespace

int64_t PodUsage::memory() const {
  int64_t total = 0;
  for (const auto& c : containers) total += c.memory_working_set.value_or(0);
  return total;
}

DiskParts disk_parts(Signal signal, bool dedicated_image_fs) {
  if (!dedicated_image_fs) return DiskParts{};
  const bool image_fs = signal == Signal::ImageFsAvailable || signal == Signal::ImageFsInodesFree;
  return image_fs ? DiskParts{true, false, false} : DiskParts{false, true, true};
}

int64_t PodUsage::disk_bytes(DiskParts parts) const { return disk_sum(*this, parts, true); }

int64_t PodUsage::disk_inodes(DiskParts parts) const { return disk_sum(*this, parts, false); }

int64_t memory_request(const pod::Pod& pod) {
  int64_t sum = 0;
  for (const auto& c : pod.spec.containers) sum += c.resources.requests.memory_bytes.value_or(0);
  for (const auto& c : pod.spec.init_containers) sum = std::max(sum, c.resources.requests.memory_bytes.value_or(0));
  return sum;
}

int64_t ephemeral_storage_request(const pod::Pod& pod) {
  int64_t sum = 0;
  for (const auto& c : pod.spec.containers) sum += c.resources.requests.ephemeral_storage_bytes.value_or(0);
  for (const auto& c : pod.spec.init_containers)
    sum = std::max(sum, c.resources.requests.ephemeral_storage_bytes.value_or(0));
  return sum;
}

int32_t priority(const pod::Pod& pod) { return pod.spec.priority.value_or(0); }

bool is_critical(const pod::Pod& pod) { return priority(pod) >= kCriticalPriority; }

void rank_memory_pressure(std::vector<pod::Pod>& pods, const PodUsages& usage) {
  const Cmp exceeds = with_stats(usage, [](const pod::Pod& a, const PodUsage& ua, const pod::Pod& b, const PodUsage& ub) {
    return cmp_bool_first(ua.memory() > memory_request(a), ub.memory() > memory_request(b));
  });
  const Cmp larger = with_stats(usage, [](const pod::Pod& a, const PodUsage& ua, const pod::Pod& b, const PodUsage& ub) {
    const int64_t over_a = ua.memory() - memory_request(a), over_b = ub.memory() - memory_request(b);
    return over_a == over_b ? 0 : (over_a > over_b ? -1 : 1);
  });
  ordered_by(pods, {exceeds, by_priority(), larger});
}

void rank_disk_pressure(std::vector<pod::Pod>& pods, const PodUsages& usage, DiskResource resource,
                        DiskParts parts) {
  // kubelet measures both against the ephemeral-storage request, inodes
  // too (there is no inode request to compare with).
  const Cmp exceeds = with_stats(usage, [resource, parts](const pod::Pod& a, const PodUsage& ua, const pod::Pod& b,
                                                          const PodUsage& ub) {
    return cmp_bool_first(disk_of(ua, resource, parts) > ephemeral_storage_request(a),
                          disk_of(ub, resource, parts) > ephemeral_storage_request(b));
  });
  const Cmp larger = with_stats(usage, [resource, parts](const pod::Pod& pa, const PodUsage& ua, const pod::Pod& pb,
                                                         const PodUsage& ub) {
    const int64_t a = disk_of(ua, resource, parts) - ephemeral_storage_request(pa);
    const int64_t b = disk_of(ub, resource, parts) - ephemeral_storage_request(pb);
    return a == b ? 0 : (a > b ? -1 : 1);
  });
  ordered_by(pods, {exceeds, by_priority(), larger});
}

void rank_pid_pressure(std::vector<pod::Pod>& pods) { ordered_by(pods, {by_priority()}); }

}  // namespace agent::eviction
