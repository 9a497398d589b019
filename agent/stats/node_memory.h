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
// "key value" lines (memory.stat, /proc/vmstat): key -> value.
std::map<std::string, uint64_t> parse_flat_keyed(std::string_view text);

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
// /proc. Throws std::runtime_error when /proc/meminfo cannot be read.
NodeMemory read_node_memory(const std::string& cgroup_root = "/sys/fs/cgroup");

}  // namespace agent::stats
