// A cgroup v1 reading: cpuacct.usage, memory.{usage_in_bytes,limit_in_bytes,
// memsw.*,stat} (the hierarchical total_* figures, as cAdvisor reads them),
// pids.current. Each controller's directory comes from cgroup_paths.h.
#pragma once

#include "shim/stats/cgroup_paths.h"
#include "shim/stats/cgroup_sample.h"

namespace shim::stats {

CgroupSample read_cgroup_v1(const CgroupDirs& dirs);

}  // namespace shim::stats
