#include "agent/eviction/signal_reader.h"

#include <stdexcept>

#include "agent/stats/fs_usage.h"
#include "agent/stats/node_memory.h"
#include "agent/stats/node_proc.h"

namespace agent::eviction {

namespace {

std::optional<FsReading> filesystem(const std::string& path) {
  const auto info = stats::stat_filesystem(path);
  if (!info) return std::nullopt;
  return FsReading{static_cast<int64_t>(info->capacity_bytes), static_cast<int64_t>(info->available_bytes),
                   static_cast<int64_t>(info->inodes), static_cast<int64_t>(info->inodes_free)};
}

}  // namespace

SignalReader::SignalReader(SignalPaths paths, std::function<std::optional<std::string>()> imagefs_path,
                           std::optional<int64_t> allocatable,
                           std::function<std::optional<int64_t>()> pods_working_set_fallback)
    : paths_(std::move(paths)),
      imagefs_path_(std::move(imagefs_path)),
      allocatable_(allocatable),
      pods_fallback_(std::move(pods_working_set_fallback)) {}

NodeReadings SignalReader::read() const {
  NodeReadings r;
  try {
    // memory.available is the Summary's node memory: the same reading.
    const stats::NodeMemory memory = stats::read_node_memory(paths_.cgroup_root, paths_.proc_root);
    r.memory_total = static_cast<int64_t>(memory.capacity_bytes);
    r.root_working_set = static_cast<int64_t>(memory.working_set_bytes);
  } catch (const std::exception&) {
    // No meminfo: no memory signal this round (a threshold without an
    // observation is never met).
  }
  r.allocatable_memory = allocatable_;
  if (!paths_.pods_cgroup.empty())
    if (const auto pods = stats::read_cgroup_working_set(paths_.cgroup_root, paths_.pods_cgroup))
      r.pods_working_set = static_cast<int64_t>(*pods);
  if (!r.pods_working_set && pods_fallback_) r.pods_working_set = pods_fallback_();
  r.nodefs = filesystem(paths_.nodefs_path);
  if (imagefs_path_)
    if (const auto path = imagefs_path_()) r.imagefs = filesystem(*path);
  const stats::TaskCounts tasks = stats::read_task_counts(paths_.proc_root);
  r.pid_max = tasks.max_pid;
  r.tasks = tasks.cur_proc;
  return r;
}

}  // namespace agent::eviction
