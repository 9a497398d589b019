// The node's memory as kubelet reports it (Summary's node.memory, and the
// eviction manager's memory.available): cAdvisor's root container.
//
//   working set = usage - inactive_file      (never below 0)
//   available   = MemTotal - working set     (never below 0)
//
// usage is the root memory cgroup's (cgroup v1: memory.usage_in_bytes);
// on cgroup v2, whose root has no memory.current, it is MemTotal - MemFree
// as runc computes the root's. Pure parsers first (unit-tested on fixed
// text), then the reader of the live files.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace agent::stats {

struct NodeMemory {
  int64_t time_ns = 0;  // unix nanoseconds of the reading
  uint64_t capacity_bytes = 0;  // MemTotal
  uint64_t usage_bytes = 0;
  uint64_t working_set_bytes = 0;
  uint64_t available_bytes = 0;
  uint64_t rss_bytes = 0;
  uint64_t page_faults = 0;
  uint64_t major_page_faults = 0;
};

// /proc/meminfo: key -> bytes ("MemTotal:  24683748 kB" -> 25276157952).
std::map<std::string, uint64_t> parse_meminfo(std::string_view text);

// The root cgroup's memory files as read; a missing one is nullopt.
struct RootMemoryFiles {
  std::string meminfo;                      // /proc/meminfo
  std::optional<std::string> v1_usage;      // memory/memory.usage_in_bytes (cgroup v1)
  std::optional<std::string> memory_stat;   // memory/memory.stat (v1) or memory.stat (v2 root)
  std::optional<std::string> vmstat;        // /proc/vmstat, for page faults without a v1 root
};

// Throws std::runtime_error when meminfo lacks MemTotal.
NodeMemory compute_node_memory(const RootMemoryFiles& files, int64_t time_ns);

// Reads the live files under `cgroup_root` (usually /sys/fs/cgroup) and
// `proc_root`. Throws std::runtime_error when meminfo cannot be read.
NodeMemory read_node_memory(const std::string& cgroup_root = "/sys/fs/cgroup", const std::string& proc_root = "/proc");

// The working set (usage - inactive_file, never below 0) of the memory
// cgroup `cgroup`, a path from the memory controller's root ("/kubepods";
// "" or "/" is the root itself, which has usage files on cgroup v1 only).
// cgroup v2 when `cgroup_root` holds cgroup.controllers, else v1's
// memory/ controller under it. nullopt when the cgroup's files are not there.
std::optional<uint64_t> read_cgroup_working_set(const std::string& cgroup_root, const std::string& cgroup);

// The node's memory capacity (MemTotal of `proc_root`/meminfo) in bytes; 0
// when it cannot be read.
int64_t read_memory_capacity(const std::string& proc_root = "/proc");

}  // namespace agent::stats
