// The node's CPU, network and process figures from /proc, as kubelet's
// Summary reports them for the node (cAdvisor's root container, and the
// pidlimit reader for rlimit). Pure parsers, then the readers.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

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

struct InterfaceCounters {
  std::string name;
  uint64_t rx_bytes = 0;
  uint64_t rx_errors = 0;
  uint64_t tx_bytes = 0;
  uint64_t tx_errors = 0;
};

// /proc/net/dev, without the devices cAdvisor leaves out of a container's
// network (names starting with lo, veth, docker, nerdctl).
std::vector<InterfaceCounters> parse_net_dev(std::string_view text);

// /proc/loadavg's fourth field "running/total": total, the scheduling
// entities the kernel holds (kubelet's rlimit.curproc).
std::optional<int64_t> parse_loadavg_tasks(std::string_view text);

// /proc/stat's "btime" line: the boot time, unix seconds.
std::optional<int64_t> parse_boot_time(std::string_view proc_stat);

struct NodeProcSample {
  int64_t time_ns = 0;
  std::optional<int64_t> boot_time_s;
  std::optional<uint64_t> cpu_usage_ns;
  std::vector<InterfaceCounters> interfaces;
  std::optional<int64_t> max_pid;    // /proc/sys/kernel/pid_max
  std::optional<int64_t> cur_proc;   // parse_loadavg_tasks
};

// Reads /proc/stat (usage and btime), /proc/net/dev, /proc/sys/kernel/pid_max, /proc/loadavg;
// what cannot be read is left unset.
NodeProcSample read_node_proc();

}  // namespace agent::stats
