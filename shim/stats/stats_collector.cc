#include "shim/stats/stats_collector.h"

#include "common/small_file.h"
#include "shim/stats/cgroup_v1.h"
#include "shim/stats/cgroup_v2.h"

namespace shim::stats {
namespace {

// Long enough for a rate that means something, short enough that kubelet's
// 10 s housekeeping always gets a fresh one.
constexpr auto kMinRateWindow = std::chrono::milliseconds(500);
// kubelet asks every 10 s; a walk per container per call would be waste.
constexpr auto kLayerMaxAge = std::chrono::seconds(2);
constexpr auto kSampleMaxAge = std::chrono::minutes(10);
constexpr std::int64_t kPruneEveryNs = 60'000'000'000;

}  // namespace

std::int64_t now_unix_nanos() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

StatsCollector::StatsCollector(std::string proc_root, std::string mountinfo)
    : proc_root_(std::move(proc_root)),
      mountinfo_(std::move(mountinfo)),
      cpu_(kMinRateWindow),
      layers_(std::chrono::duration_cast<std::chrono::milliseconds>(kLayerMaxAge)) {}

std::optional<CgroupDirs> StatsCollector::dirs_of(int pid) {
  const auto content = common::read_small_file(proc_root_ + "/" + std::to_string(pid) + "/cgroup");
  if (!content) return std::nullopt;
  const auto proc_cgroup = parse_proc_cgroup(*content);
  std::lock_guard lock(mounts_mutex_);
  if (!mounts_.empty())
    if (auto dirs = resolve_cgroup_dirs(proc_cgroup, mounts_)) return dirs;
  const auto mountinfo = common::read_small_file(mountinfo_);
  if (!mountinfo) return std::nullopt;
  mounts_ = parse_cgroup_mounts(*mountinfo);
  return resolve_cgroup_dirs(proc_cgroup, mounts_);
}

ContainerReading StatsCollector::read_container(const std::string& id, int pid,
                                                const std::string& upper_dir) {
  ContainerReading reading;
  if (pid > 0) {
    if (const auto dirs = dirs_of(pid)) {
      reading.cgroup = dirs->v2 ? read_cgroup_v2(dirs->unified) : read_cgroup_v1(*dirs);
      reading.running = true;
    }
  }
  reading.timestamp_ns = now_unix_nanos();
  prune_now_and_then(reading.timestamp_ns);
  if (reading.cgroup.cpu_usage_ns)
    reading.nano_cores = cpu_.nano_cores(id, reading.timestamp_ns, *reading.cgroup.cpu_usage_ns);
  if (!upper_dir.empty()) {
    reading.writable_layer = layers_.get(upper_dir);
    reading.writable_layer_dir = upper_dir;
  }
  return reading;
}

PodReading StatsCollector::read_pod(const std::string& sandbox_id, int sandbox_pid,
                                    const ContainerReading& sandbox,
                                    const std::vector<const ContainerReading*>& containers) {
  PodReading pod;
  pod.running = sandbox.running;
  // Start from the first running member: its limit is the sum's start (an
  // empty sample would count as "unlimited").
  bool first = true;
  auto add = [&](const ContainerReading& member) {
    if (!member.running) return;
    if (first) pod.cgroup = member.cgroup;
    else pod.cgroup.add(member.cgroup);
    first = false;
  };
  add(sandbox);
  for (const auto* container : containers) add(*container);
  if (auto interfaces = common::read_net_dev(sandbox_pid, proc_root_)) pod.interfaces = std::move(*interfaces);
  pod.timestamp_ns = now_unix_nanos();
  if (pod.cgroup.cpu_usage_ns)
    pod.nano_cores = cpu_.nano_cores("pod/" + sandbox_id, pod.timestamp_ns, *pod.cgroup.cpu_usage_ns);
  return pod;
}

void StatsCollector::prune() {
  cpu_.prune(kSampleMaxAge, now_unix_nanos());
  layers_.prune();
}

void StatsCollector::prune_now_and_then(std::int64_t now_ns) {
  auto last = last_prune_ns_.load();
  // One caller wins the minute; the others read on.
  if (now_ns - last < kPruneEveryNs || !last_prune_ns_.compare_exchange_strong(last, now_ns)) return;
  prune();
}

}  // namespace shim::stats
