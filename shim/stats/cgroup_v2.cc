#include "shim/stats/cgroup_v2.h"

#include "common/small_file.h"

namespace shim::stats {

CgroupSample read_cgroup_v2(const std::string& dir) {
  CgroupSample sample;
  if (const auto content = common::read_small_file(dir + "/cpu.stat"))
    if (const auto usec = common::stat_of(common::parse_flat_keyed(*content), "usage_usec"))
      sample.cpu_usage_ns = *usec * 1000;
  sample.pids = common::read_single_value(dir + "/pids.current");
  sample.memory_usage = common::read_single_value(dir + "/memory.current");
  sample.memory_limit = common::read_single_value(dir + "/memory.max");  // "max": nullopt
  if (const auto content = common::read_small_file(dir + "/memory.stat"))
    sample.apply_memory_stat(*content, {"anon", "pgfault", "pgmajfault", "inactive_file"});
  sample.swap_usage = common::read_single_value(dir + "/memory.swap.current");
  sample.swap_limit = common::read_single_value(dir + "/memory.swap.max");
  return sample;
}

}  // namespace shim::stats
