// CRI LinuxContainerResources to Docker's Resources (CreateContainer and
// UpdateContainerResources share it), and back for ContainerStatus.
//
//   cpu_period, cpu_quota, cpu_shares    -> CpuPeriod, CpuQuota, CpuShares
//   cpuset_cpus, cpuset_mems             -> CpusetCpus, CpusetMems
//   memory_limit_in_bytes                -> Memory
//   memory_swap_limit_in_bytes           -> MemorySwap; when 0 with a memory
//                                           limit, equal to it (no swap), as
//                                           dockershim and cri-dockerd do
//   oom_score_adj                        -> the caller's (it needs the clamp)
//   hugepage_limits                      -> hugetlb cgroup files (hugepages.h):
//                                           Docker has no field for them
//   unified                              -> ignored: Docker's API has no field
// Negative values are INVALID_ARGUMENT naming the field under `field`.
#pragma once

#include <string_view>

#include "docker-client/types.h"
#include "runtime/v1/api.h"

namespace shim {

docker::Resources docker_resources(const cri::LinuxContainerResources& resources,
                                   std::string_view field);

void fill_cri_resources(const docker::HostConfigView& host,
                        cri::LinuxContainerResources* out);

}  // namespace shim
