#include "agent/eviction/signal_reader.h"

#include <sys/statvfs.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace agent::eviction {

SignalReader::SignalReader(SignalPaths paths, std::function<std::optional<std::string>()> imagefs_path,
                           std::optional<int64_t> allocatable,
                           std::function<std::optional<int64_t>()> pods_working_set_fallback)
    : paths_(std::move(paths)),
      imagefs_path_(std::move(imagefs_path)),
      allocatable_(allocatable),
      pods_fallback_(std::move(pods_working_set_fallback)) {
  std::error_code ec;
  v2_ = std::filesystem::exists(paths_.cgroup_root + "/cgroup.controllers", ec);
}

std::optional<std::string> SignalReader::read_file(const std::string& path) const {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::optional<int64_t> SignalReader::cgroup_working_set(const std::string& cgroup) const {
  std::string dir = v2_ ? paths_.cgroup_root : paths_.cgroup_root + "/memory";
  if (!cgroup.empty() && cgroup != "/") dir += (cgroup.front() == '/' ? "" : "/") + cgroup;
  const auto stat = read_file(dir + "/memory.stat");
  if (!stat) return std::nullopt;
  if (v2_) {
    // (The v2 root has no memory.current; read() reads the node's usage.)
    const auto current = read_file(dir + "/memory.current");
    const auto inactive = parse_stat_value(*stat, "inactive_file");
    if (!current || !inactive) return std::nullopt;
    const auto usage = parse_integer(*current);
    if (!usage) return std::nullopt;
    return working_set(*usage, *inactive);
  }
  const auto usage_text = read_file(dir + "/memory.usage_in_bytes");
  const auto inactive = parse_stat_value(*stat, "total_inactive_file");
  if (!usage_text || !inactive) return std::nullopt;
  const auto usage = parse_integer(*usage_text);
  if (!usage) return std::nullopt;
  return working_set(*usage, *inactive);
}

std::optional<FsReading> SignalReader::statfs(const std::string& path) {
  if (path.empty()) return std::nullopt;
  // --root-dir is made on first use: until then its nearest existing
  // ancestor is on the filesystem it will be on.
  std::filesystem::path at(path);
  std::error_code ec;
  while (!std::filesystem::exists(at, ec) && at.has_parent_path() && at != at.parent_path()) at = at.parent_path();
  struct statvfs st {};
  if (::statvfs(at.c_str(), &st) != 0) return std::nullopt;
  FsReading out;
  out.capacity_bytes = static_cast<int64_t>(st.f_blocks) * static_cast<int64_t>(st.f_frsize);
  out.available_bytes = static_cast<int64_t>(st.f_bavail) * static_cast<int64_t>(st.f_frsize);
  out.inodes = static_cast<int64_t>(st.f_files);
  out.inodes_free = static_cast<int64_t>(st.f_ffree);
  return out;
}

NodeReadings SignalReader::read() const {
  NodeReadings r;
  if (const auto meminfo = read_file(paths_.proc_root + "/meminfo")) r.memory_total = parse_meminfo_total(*meminfo);
  if (v2_) {
    // cgroup v2's root has no memory.current: the node's usage is what
    // /proc/meminfo accounts, MemTotal - MemFree, less the inactive file
    // pages of the root's memory.stat.
    const auto meminfo = read_file(paths_.proc_root + "/meminfo");
    const auto stat = read_file(paths_.cgroup_root + "/memory.stat");
    if (meminfo && stat && r.memory_total) {
      const auto free_kib = parse_stat_value(*meminfo, "MemFree");
      const auto inactive = parse_stat_value(*stat, "inactive_file");
      if (free_kib && inactive) {
        r.root_working_set = working_set(*r.memory_total - *free_kib * 1024, *inactive);
      }
    }
  } else {
    r.root_working_set = cgroup_working_set("/");
  }
  r.allocatable_memory = allocatable_;
  if (!paths_.pods_cgroup.empty()) r.pods_working_set = cgroup_working_set(paths_.pods_cgroup);
  if (!r.pods_working_set && pods_fallback_) r.pods_working_set = pods_fallback_();
  r.nodefs = statfs(paths_.nodefs_path);
  if (imagefs_path_)
    if (const auto path = imagefs_path_()) r.imagefs = statfs(*path);
  const auto pid_max = read_file(paths_.proc_root + "/sys/kernel/pid_max");
  const auto threads_max = read_file(paths_.proc_root + "/sys/kernel/threads-max");
  std::optional<int64_t> max = pid_max ? parse_integer(*pid_max) : std::nullopt;
  if (const auto threads = threads_max ? parse_integer(*threads_max) : std::nullopt)
    max = max ? std::min(*max, *threads) : *threads;
  r.pid_max = max;
  if (const auto loadavg = read_file(paths_.proc_root + "/loadavg")) r.tasks = parse_loadavg_tasks(*loadavg);
  return r;
}

}  // namespace agent::eviction
