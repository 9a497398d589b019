#include "agent/stats/node_memory.h"

#include <chrono>
#include <filesystem>
#include <sstream>
#include <stdexcept>

#include "common/small_file.h"

namespace agent::stats {

namespace {

using common::read_small_file;

uint64_t get(const std::map<std::string, uint64_t>& m, const std::string& key) {
  auto it = m.find(key);
  return it == m.end() ? 0 : it->second;
}

uint64_t minus_floor0(uint64_t a, uint64_t b) { return a > b ? a - b : 0; }

}  // namespace

std::map<std::string, uint64_t> parse_meminfo(std::string_view text) {
  std::map<std::string, uint64_t> out;
  std::istringstream in{std::string(text)};
  std::string line;
  while (std::getline(in, line)) {
    const auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::istringstream rest(line.substr(colon + 1));
    uint64_t value = 0;
    std::string unit;
    if (!(rest >> value)) continue;
    rest >> unit;
    out[line.substr(0, colon)] = unit == "kB" ? value * 1024 : value;
  }
  return out;
}

NodeMemory compute_node_memory(const RootMemoryFiles& files, int64_t time_ns) {
  const auto meminfo = parse_meminfo(files.meminfo);
  if (!meminfo.count("MemTotal")) throw std::runtime_error("/proc/meminfo has no MemTotal");
  NodeMemory m;
  m.time_ns = time_ns;
  m.capacity_bytes = get(meminfo, "MemTotal");
  const auto stat = files.memory_stat ? common::parse_flat_keyed(*files.memory_stat) : std::map<std::string, uint64_t>{};
  uint64_t inactive_file = 0;
  if (files.v1_usage) {
    // cgroup v1: the root's hierarchical counters (total_*), as cAdvisor reads them.
    m.usage_bytes = common::parse_single_value(*files.v1_usage).value_or(0);
    inactive_file = get(stat, "total_inactive_file");
    m.rss_bytes = get(stat, "total_rss");
    m.page_faults = get(stat, "total_pgfault");
    m.major_page_faults = get(stat, "total_pgmajfault");
  } else {
    // cgroup v2 (or no memory controller): runc's root statistics from meminfo.
    m.usage_bytes = minus_floor0(m.capacity_bytes, get(meminfo, "MemFree"));
    inactive_file = stat.count("inactive_file") ? get(stat, "inactive_file") : get(meminfo, "Inactive(file)");
    m.rss_bytes = stat.count("anon") ? get(stat, "anon") : get(meminfo, "AnonPages");
    const auto vm = files.vmstat ? common::parse_flat_keyed(*files.vmstat) : std::map<std::string, uint64_t>{};
    m.page_faults = stat.count("pgfault") ? get(stat, "pgfault") : get(vm, "pgfault");
    m.major_page_faults = stat.count("pgmajfault") ? get(stat, "pgmajfault") : get(vm, "pgmajfault");
  }
  m.working_set_bytes = minus_floor0(m.usage_bytes, inactive_file);
  m.available_bytes = minus_floor0(m.capacity_bytes, m.working_set_bytes);
  return m;
}

NodeMemory read_node_memory(const std::string& cgroup_root, const std::string& proc_root) {
  RootMemoryFiles files;
  auto meminfo = read_small_file(proc_root + "/meminfo");
  if (!meminfo) throw std::runtime_error("cannot read " + proc_root + "/meminfo");
  files.meminfo = std::move(*meminfo);
  files.v1_usage = read_small_file(cgroup_root + "/memory/memory.usage_in_bytes");
  if (files.v1_usage) {
    files.memory_stat = read_small_file(cgroup_root + "/memory/memory.stat");
  } else {
    files.memory_stat = read_small_file(cgroup_root + "/memory.stat");
    files.vmstat = read_small_file(proc_root + "/vmstat");
  }
  const auto now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  return compute_node_memory(files, now);
}

std::optional<uint64_t> read_cgroup_working_set(const std::string& cgroup_root, const std::string& cgroup) {
  std::error_code ec;
  const bool v2 = std::filesystem::exists(cgroup_root + "/cgroup.controllers", ec);
  std::string dir = v2 ? cgroup_root : cgroup_root + "/memory";
  if (!cgroup.empty() && cgroup != "/") dir += (cgroup.front() == '/' ? "" : "/") + cgroup;
  // v1 counts the cgroup's descendants in total_*; v2's memory.stat is
  // hierarchical already.
  const auto usage = common::read_single_value(dir + (v2 ? "/memory.current" : "/memory.usage_in_bytes"));
  const auto stat_text = read_small_file(dir + "/memory.stat");
  if (!usage || !stat_text) return std::nullopt;
  const auto stat = common::parse_flat_keyed(*stat_text);
  const auto inactive = stat.find(v2 ? "inactive_file" : "total_inactive_file");
  if (inactive == stat.end()) return std::nullopt;
  return minus_floor0(*usage, inactive->second);
}

int64_t read_memory_capacity(const std::string& proc_root) {
  const auto meminfo = read_small_file(proc_root + "/meminfo");
  if (!meminfo) return 0;
  return static_cast<int64_t>(get(parse_meminfo(*meminfo), "MemTotal"));
}

}  // namespace agent::stats
