// The node's CPU, network and process figures from /proc, as kubelet's
// Summary reports them for the node (cAdvisor's root container, and the
// pidlimit reader for rlimit). Pure parsers, then the readers.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/proc_net.h"

namespace agent::stats {

// The first line of /proc/stat ("cpu  user nice system idle iowait irq
// softirq steal ..."): the time every CPU spent not idle (user, nice,
// system, irq, softirq, steal), in nanoseconds. `ticks_per_second` is
// USER_HZ (sysconf(_SC_CLK_TCK)). nullopt when the line is not there.
std::optional<uint64_t> parse_cpu_usage_ns(std::string_view proc_stat, long ticks_per_second);

// Nanocores over the window between two cumulative samples: what kubelet
// computes for usageNanoCores. nullopt when the window is empty or the
// counter went back.
std::optional<uint64_t> nano_cores(uint64_t previous_ns, int64_t previous_time_ns, uint64_t current_ns,
                                   int64_t current_time_ns);

// The node's interfaces in /proc/net/dev (common/proc_net's parser), without
// the devices cAdvisor leaves out of a container's network (names starting
// with lo, veth, docker, nerdctl).
using common::InterfaceCounters;
std::vector<InterfaceCounters> node_interfaces(std::string_view net_dev);

// /proc/loadavg's fourth field "running/total": total, the scheduling
// entities the kernel holds (kubelet's rlimit.curproc).
std::optional<int64_t> parse_loadavg_tasks(std::string_view text);

// /proc/stat's "btime" line: the boot time, unix seconds.
std::optional<int64_t> parse_boot_time(std::string_view proc_stat);

// The node's task limit and count, as kubelet's pidlimit reader and the
// eviction manager's pid.available see them.
struct TaskCounts {
  std::optional<int64_t> max_pid;   // min(kernel.pid_max, kernel.threads-max): both limit the tasks
  std::optional<int64_t> cur_proc;  // parse_loadavg_tasks
};
// Reads `proc_root`/sys/kernel/{pid_max,threads-max} and /loadavg; what
// cannot be read is left unset.
TaskCounts read_task_counts(const std::string& proc_root = "/proc");

struct NodeProcSample {
  int64_t time_ns = 0;
  std::optional<int64_t> boot_time_s;
  std::optional<uint64_t> cpu_usage_ns;
  std::vector<InterfaceCounters> interfaces;
  TaskCounts tasks;
};

// Reads /proc/stat (usage and btime), /proc/net/dev and the task counts;
// what cannot be read is left unset.
NodeProcSample read_node_proc();

}  // namespace agent::stats
