#include "shim/stats/cgroup_v2.h"

#include "shim/stats/cgroup_files.h"

namespace shim::stats {

CgroupSample read_cgroup_v2(const std::string& dir) {
  CgroupSample sample;
  if (const auto content = read_small_file(dir + "/cpu.stat"))
    if (const auto usec = stat_of(parse_flat_keyed(*content), "usage_usec"))
      sample.cpu_usage_ns = *usec * 1000;
  sample.pids = read_single_value(dir + "/pids.current");
  sample.memory_usage = read_single_value(dir + "/memory.current");
  sample.memory_limit = read_single_value(dir + "/memory.max");  // "max": nullopt
  if (const auto content = read_small_file(dir + "/memory.stat"))
    sample.apply_memory_stat(*content, {"anon", "pgfault", "pgmajfault", "inactive_file"});
  sample.swap_usage = read_single_value(dir + "/memory.swap.current");
  sample.swap_limit = read_single_value(dir + "/memory.swap.max");
  return sample;
}

}  // namespace shim::stats
