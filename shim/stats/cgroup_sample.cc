#include "shim/stats/cgroup_sample.h"

#include "common/small_file.h"

namespace shim::stats {
namespace {

void add_known(std::optional<std::uint64_t>& into, const std::optional<std::uint64_t>& value) {
  if (value) into = into.value_or(0) + *value;
}

}  // namespace

void CgroupSample::apply_memory_stat(std::string_view memory_stat, const MemoryStatKeys& keys) {
  const auto stat = common::parse_flat_keyed(memory_stat);
  rss = common::stat_of(stat, keys.rss);
  page_faults = common::stat_of(stat, keys.page_faults);
  major_page_faults = common::stat_of(stat, keys.major_page_faults);
  if (memory_usage) {
    const std::uint64_t inactive = common::stat_of(stat, keys.inactive_file).value_or(0);
    working_set = *memory_usage > inactive ? *memory_usage - inactive : 0;
  }
}

void CgroupSample::add(const CgroupSample& other) {
  add_known(cpu_usage_ns, other.cpu_usage_ns);
  add_known(memory_usage, other.memory_usage);
  add_known(working_set, other.working_set);
  add_known(rss, other.rss);
  add_known(page_faults, other.page_faults);
  add_known(major_page_faults, other.major_page_faults);
  add_known(swap_usage, other.swap_usage);
  add_known(pids, other.pids);
  memory_limit = memory_limit && other.memory_limit
                     ? std::optional<std::uint64_t>(*memory_limit + *other.memory_limit)
                     : std::nullopt;
  swap_limit = swap_limit && other.swap_limit
                   ? std::optional<std::uint64_t>(*swap_limit + *other.swap_limit)
                   : std::nullopt;
}

}  // namespace shim::stats
