#include "agent/stats/node_proc.h"

#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>

namespace agent::stats {

namespace {

std::optional<std::string> read_text(const char* path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

bool ignored_device(std::string_view name) {
  for (std::string_view prefix : {"lo", "veth", "docker", "nerdctl"})
    if (name.starts_with(prefix)) return true;
  return false;
}

}  // namespace

std::optional<uint64_t> parse_cpu_usage_ns(std::string_view proc_stat, long ticks_per_second) {
  if (ticks_per_second <= 0) return std::nullopt;
  std::istringstream in{std::string(proc_stat)};
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string label;
    fields >> label;
    if (label != "cpu") continue;
    uint64_t v[8] = {};
    for (auto& x : v)
      if (!(fields >> x)) x = 0;
    // user nice system idle iowait irq softirq steal: idle and iowait are not usage.
    const uint64_t ticks = v[0] + v[1] + v[2] + v[5] + v[6] + v[7];
    return ticks * (1000000000ULL / static_cast<uint64_t>(ticks_per_second));
  }
  return std::nullopt;
}

std::optional<int64_t> parse_boot_time(std::string_view proc_stat) {
  std::istringstream in{std::string(proc_stat)};
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string label;
    int64_t value = 0;
    if (fields >> label >> value && label == "btime") return value;
  }
  return std::nullopt;
}

std::optional<uint64_t> nano_cores(uint64_t previous_ns, int64_t previous_time_ns, uint64_t current_ns,
                                   int64_t current_time_ns) {
  if (current_time_ns <= previous_time_ns || current_ns < previous_ns) return std::nullopt;
  const double window = static_cast<double>(current_time_ns - previous_time_ns);
  return static_cast<uint64_t>(static_cast<double>(current_ns - previous_ns) / window * 1e9);
}

std::vector<InterfaceCounters> parse_net_dev(std::string_view text) {
  // "  eth0: rx_bytes rx_packets rx_errs rx_drop rx_fifo rx_frame rx_compressed rx_multicast
  //          tx_bytes tx_packets tx_errs ..."; the two header lines have no ':' before the numbers.
  std::vector<InterfaceCounters> out;
  std::istringstream in{std::string(text)};
  std::string line;
  while (std::getline(in, line)) {
    const auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string name = line.substr(0, colon);
    name.erase(0, name.find_first_not_of(' '));
    if (name.empty() || ignored_device(name)) continue;
    std::istringstream fields(line.substr(colon + 1));
    uint64_t v[16] = {};
    int read = 0;
    while (read < 16 && (fields >> v[read])) ++read;
    if (read < 11) continue;  // the "Inter-|   Receive" header
    out.push_back({name, v[0], v[2], v[8], v[10]});
  }
  return out;
}

std::optional<int64_t> parse_loadavg_tasks(std::string_view text) {
  std::istringstream in{std::string(text)};
  std::string a, b, c, tasks;
  if (!(in >> a >> b >> c >> tasks)) return std::nullopt;
  const auto slash = tasks.find('/');
  if (slash == std::string::npos) return std::nullopt;
  try {
    return std::stoll(tasks.substr(slash + 1));
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

NodeProcSample read_node_proc() {
  NodeProcSample s;
  s.time_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                  std::chrono::system_clock::now().time_since_epoch())
                  .count();
  if (auto text = read_text("/proc/stat")) {
    s.cpu_usage_ns = parse_cpu_usage_ns(*text, ::sysconf(_SC_CLK_TCK));
    s.boot_time_s = parse_boot_time(*text);
  }
  if (auto text = read_text("/proc/net/dev")) s.interfaces = parse_net_dev(*text);
  if (auto text = read_text("/proc/sys/kernel/pid_max")) {
    try {
      s.max_pid = std::stoll(*text);
    } catch (const std::exception&) {
    }
  }
  if (auto text = read_text("/proc/loadavg")) s.cur_proc = parse_loadavg_tasks(*text);
  return s;
}

}  // namespace agent::stats
