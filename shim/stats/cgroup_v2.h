// A cgroup v2 reading: cpu.stat usage_usec, memory.{current,max,stat,
// swap.current,swap.max}, pids.current, all in the one unified directory.
#pragma once

#include <string>

#include "shim/stats/cgroup_sample.h"

namespace shim::stats {

CgroupSample read_cgroup_v2(const std::string& dir);

}  // namespace shim::stats
