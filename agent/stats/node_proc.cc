#include "agent/stats/node_proc.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <sstream>

#include "common/small_file.h"

namespace agent::stats {

namespace {

using common::read_small_file;

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

std::vector<InterfaceCounters> node_interfaces(std::string_view net_dev) {
  auto interfaces = common::parse_net_dev(net_dev);
  std::erase_if(interfaces, [](const InterfaceCounters& i) { return ignored_device(i.name); });
  return interfaces;
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

TaskCounts read_task_counts(const std::string& proc_root) {
  TaskCounts counts;
  const auto pid_max = common::read_single_value(proc_root + "/sys/kernel/pid_max");
  const auto threads_max = common::read_single_value(proc_root + "/sys/kernel/threads-max");
  if (pid_max && threads_max) counts.max_pid = static_cast<int64_t>(std::min(*pid_max, *threads_max));
  else if (pid_max || threads_max) counts.max_pid = static_cast<int64_t>(pid_max ? *pid_max : *threads_max);
  if (auto text = read_small_file(proc_root + "/loadavg")) counts.cur_proc = parse_loadavg_tasks(*text);
  return counts;
}

NodeProcSample read_node_proc() {
  NodeProcSample s;
  s.time_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                  std::chrono::system_clock::now().time_since_epoch())
                  .count();
  if (auto text = read_small_file("/proc/stat")) {
    s.cpu_usage_ns = parse_cpu_usage_ns(*text, ::sysconf(_SC_CLK_TCK));
    s.boot_time_s = parse_boot_time(*text);
  }
  if (auto text = read_small_file("/proc/net/dev")) s.interfaces = node_interfaces(*text);
  s.tasks = read_task_counts();
  return s;
}

}  // namespace agent::stats
