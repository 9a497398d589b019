#include "agent/stats/node_memory.h"

#include <chrono>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace agent::stats {

namespace {

std::optional<std::string> read_text(const std::string& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

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

std::map<std::string, uint64_t> parse_flat_keyed(std::string_view text) {
  std::map<std::string, uint64_t> out;
  std::istringstream in{std::string(text)};
  std::string key;
  uint64_t value = 0;
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    if (fields >> key >> value) out[key] = value;
  }
  return out;
}

NodeMemory compute_node_memory(const RootMemoryFiles& files, int64_t time_ns) {
  const auto meminfo = parse_meminfo(files.meminfo);
  if (!meminfo.count("MemTotal")) throw std::runtime_error("/proc/meminfo has no MemTotal");
  NodeMemory m;
  m.time_ns = time_ns;
  m.capacity_bytes = get(meminfo, "MemTotal");
  const auto stat = files.memory_stat ? parse_flat_keyed(*files.memory_stat) : std::map<std::string, uint64_t>{};
  uint64_t inactive_file = 0;
  if (files.v1_usage) {
    // cgroup v1: the root's hierarchical counters (total_*), as cAdvisor reads them.
    m.usage_bytes = std::stoull(*files.v1_usage);
    inactive_file = get(stat, "total_inactive_file");
    m.rss_bytes = get(stat, "total_rss");
    m.page_faults = get(stat, "total_pgfault");
    m.major_page_faults = get(stat, "total_pgmajfault");
  } else {
    // cgroup v2 (or no memory controller): runc's root statistics from meminfo.
    m.usage_bytes = minus_floor0(m.capacity_bytes, get(meminfo, "MemFree"));
    inactive_file = stat.count("inactive_file") ? get(stat, "inactive_file") : get(meminfo, "Inactive(file)");
    m.rss_bytes = stat.count("anon") ? get(stat, "anon") : get(meminfo, "AnonPages");
    const auto vm = files.vmstat ? parse_flat_keyed(*files.vmstat) : std::map<std::string, uint64_t>{};
    m.page_faults = stat.count("pgfault") ? get(stat, "pgfault") : get(vm, "pgfault");
    m.major_page_faults = stat.count("pgmajfault") ? get(stat, "pgmajfault") : get(vm, "pgmajfault");
  }
  m.working_set_bytes = minus_floor0(m.usage_bytes, inactive_file);
  m.available_bytes = minus_floor0(m.capacity_bytes, m.working_set_bytes);
  return m;
}

NodeMemory read_node_memory(const std::string& cgroup_root) {
  RootMemoryFiles files;
  auto meminfo = read_text("/proc/meminfo");
  if (!meminfo) throw std::runtime_error("cannot read /proc/meminfo");
  files.meminfo = std::move(*meminfo);
  files.v1_usage = read_text(cgroup_root + "/memory/memory.usage_in_bytes");
  if (files.v1_usage) {
    files.memory_stat = read_text(cgroup_root + "/memory/memory.stat");
  } else {
    files.memory_stat = read_text(cgroup_root + "/memory.stat");
    files.vmstat = read_text("/proc/vmstat");
  }
  const auto now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  return compute_node_memory(files, now);
}

}  // namespace agent::stats
