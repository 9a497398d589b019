// One reading of a cgroup's counters, the same for cgroup v1 and v2 (the
// readers in cgroup_v1.h and cgroup_v2.h fill it). A field is nullopt when
// its file is missing or unreadable, so the CRI reply leaves it unset rather
// than claiming 0.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace shim::stats {

// memory.stat names the same counters differently in v1 and v2.
struct MemoryStatKeys {
  const char* rss;                // v1 "total_rss", v2 "anon"
  const char* page_faults;        // v1 "total_pgfault", v2 "pgfault"
  const char* major_page_faults;  // v1 "total_pgmajfault", v2 "pgmajfault"
  const char* inactive_file;      // v1 "total_inactive_file", v2 "inactive_file"
};

struct CgroupSample {
  std::optional<std::uint64_t> cpu_usage_ns;       // cumulative CPU time of all tasks
  std::optional<std::uint64_t> memory_usage;       // v1 usage_in_bytes, v2 memory.current
  // usage minus inactive file pages, as kubelet and cAdvisor define the
  // working set (v1 total_inactive_file, v2 inactive_file), never below 0.
  std::optional<std::uint64_t> working_set;
  std::optional<std::uint64_t> rss;                // v1 total_rss, v2 anon
  std::optional<std::uint64_t> page_faults, major_page_faults;
  std::optional<std::uint64_t> memory_limit;       // nullopt: unlimited
  std::optional<std::uint64_t> swap_usage;
  std::optional<std::uint64_t> swap_limit;         // swap alone; nullopt: unlimited
  std::optional<std::uint64_t> pids;               // tasks in the cgroup

  // Adds `other` field by field (a pod is the sum of its containers); a
  // field known in either side is known in the sum. Limits are summed only
  // when both sides have one (one unlimited member makes the sum unlimited).
  void add(const CgroupSample& other);

  // Fills rss, page faults and (with memory_usage already read) the
  // working set from the content of a memory.stat file.
  void apply_memory_stat(std::string_view memory_stat, const MemoryStatKeys& keys);
};

}  // namespace shim::stats
