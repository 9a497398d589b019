#include "shim/stats/cgroup_v2.h"

#include "shim/stats/cgroup_files.h"

namespace shim::stats {
namespace {

std::optional<std::uint64_t> stat_of(const std::map<std::string, std::uint64_t>& stat,
                                     const char* key) {
  const auto it = stat.find(key);
  return it == stat.end() ? std::nullopt : std::optional<std::uint64_t>(it->second);
}

}  // namespace

CgroupSample read_cgroup_v2(const std::string& dir) {
  CgroupSample sample;
  if (const auto content = read_small_file(dir + "/cpu.stat"))
    if (const auto usec = stat_of(parse_flat_keyed(*content), "usage_usec"))
      sample.cpu_usage_ns = *usec * 1000;
  sample.pids = read_single_value(dir + "/pids.current");
  sample.memory_usage = read_single_value(dir + "/memory.current");
  sample.memory_limit = read_single_value(dir + "/memory.max");  // "max": nullopt
  if (const auto content = read_small_file(dir + "/memory.stat")) {
    const auto stat = parse_flat_keyed(*content);
    sample.rss = stat_of(stat, "anon");
    sample.page_faults = stat_of(stat, "pgfault");
    sample.major_page_faults = stat_of(stat, "pgmajfault");
    if (sample.memory_usage) {
      const std::uint64_t inactive = stat_of(stat, "inactive_file").value_or(0);
      sample.working_set = *sample.memory_usage > inactive ? *sample.memory_usage - inactive : 0;
    }
  }
  sample.swap_usage = read_single_value(dir + "/memory.swap.current");
  sample.swap_limit = read_single_value(dir + "/memory.swap.max");
  return sample;
}

}  // namespace shim::stats
