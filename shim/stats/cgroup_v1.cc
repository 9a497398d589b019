#include "shim/stats/cgroup_v1.h"

#include "common/small_file.h"

namespace shim::stats {
namespace {

// v1 reports "no limit" as the largest page-aligned 63-bit value
// (9223372036854771712); anything that large is no limit.
constexpr std::uint64_t kUnlimitedFloor = std::uint64_t{1} << 62;

std::optional<std::uint64_t> limit(const std::string& path) {
  const auto value = common::read_single_value(path);
  if (!value || *value >= kUnlimitedFloor) return std::nullopt;
  return value;
}

}  // namespace

CgroupSample read_cgroup_v1(const CgroupDirs& dirs) {
  CgroupSample sample;
  if (const auto cpuacct = dirs.dir("cpuacct"); !cpuacct.empty())
    sample.cpu_usage_ns = common::read_single_value(cpuacct + "/cpuacct.usage");
  if (const auto pids = dirs.dir("pids"); !pids.empty())
    sample.pids = common::read_single_value(pids + "/pids.current");

  const auto memory = dirs.dir("memory");
  if (memory.empty()) return sample;
  sample.memory_usage = common::read_single_value(memory + "/memory.usage_in_bytes");
  sample.memory_limit = limit(memory + "/memory.limit_in_bytes");
  if (const auto content = common::read_small_file(memory + "/memory.stat"))
    sample.apply_memory_stat(*content, {"total_rss", "total_pgfault", "total_pgmajfault", "total_inactive_file"});
  // memsw counts memory plus swap; only there when the kernel accounts swap.
  if (const auto memsw = common::read_single_value(memory + "/memory.memsw.usage_in_bytes");
      memsw && sample.memory_usage)
    sample.swap_usage = *memsw > *sample.memory_usage ? *memsw - *sample.memory_usage : 0;
  const auto memsw_limit = limit(memory + "/memory.memsw.limit_in_bytes");
  if (memsw_limit && sample.memory_limit && *memsw_limit >= *sample.memory_limit)
    sample.swap_limit = *memsw_limit - *sample.memory_limit;
  return sample;
}

}  // namespace shim::stats
