#include "shim/container/resources.h"

#include "shim/server/call.h"


namespace shim {
namespace {
std::int64_t non_negative(std::int64_t value, std::string_view field, std::string_view name) {
  if (value < 0)
    throw invalid_argument(std::string(field) + "." + std::string(name) + " is negative (" +
                           std::to_string(value) + ")");
  return value;
}
}  // namespace

docker::Resources docker_resources(const cri::LinuxContainerResources& resources,
                                   std::string_view field) {
  docker::Resources out;
  out.cpu_period = non_negative(resources.cpu_period(), field, "cpu_period");
  // -1 is CFS's "no quota", which kubelet never sends but cgroups accept.
  out.cpu_quota = resources.cpu_quota() == -1 ? 0 : non_negative(resources.cpu_quota(), field, "cpu_quota");
  out.cpu_shares = non_negative(resources.cpu_shares(), field, "cpu_shares");
  out.memory = non_negative(resources.memory_limit_in_bytes(), field, "memory_limit_in_bytes");
  out.memory_swap =
      resources.memory_swap_limit_in_bytes() == -1
          ? -1
          : non_negative(resources.memory_swap_limit_in_bytes(), field, "memory_swap_limit_in_bytes");
  if (out.memory_swap == 0 && out.memory > 0) out.memory_swap = out.memory;
  if (out.memory_swap > 0 && out.memory > 0 && out.memory_swap < out.memory)
    throw invalid_argument(std::string(field) + ".memory_swap_limit_in_bytes (" +
                           std::to_string(out.memory_swap) +
                           ") is below memory_limit_in_bytes (" + std::to_string(out.memory) + ")");
  out.cpuset_cpus = resources.cpuset_cpus();
  out.cpuset_mems = resources.cpuset_mems();
  for (const auto& limit : resources.hugepage_limits()) {
    if (limit.page_size().empty())
      throw invalid_argument(std::string(field) + ".hugepage_limits: a page_size is empty");
    out.hugepage_limits[limit.page_size()] = static_cast<std::int64_t>(limit.limit());
  }
  // `unified` (raw cgroup v2 files) has no Docker field; kubelet sends it
  // only behind alpha feature gates, so it is left out rather than refused.
  return out;
}

void fill_cri_resources(const docker::HostConfigView& host,
                        cri::LinuxContainerResources* out) {
  out->set_cpu_period(host.cpu_period);
  out->set_cpu_quota(host.cpu_quota);
  out->set_cpu_shares(host.cpu_shares);
  out->set_memory_limit_in_bytes(host.memory);
  out->set_memory_swap_limit_in_bytes(host.memory_swap);
  out->set_cpuset_cpus(host.cpuset_cpus);
  out->set_cpuset_mems(host.cpuset_mems);
  out->set_oom_score_adj(host.oom_score_adj.value_or(0));
}

}  // namespace shim
