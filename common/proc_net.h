// Network interface counters from a /proc/net/dev text: a pod's (from
// /proc/<pid>/net/dev of a process inside its namespace, the pause process:
// no netlink, no setns) in cri-shim, the node's in node-agent.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace common {

struct InterfaceCounters {
  std::string name;
  std::uint64_t rx_bytes = 0, rx_errors = 0, tx_bytes = 0, tx_errors = 0;
};

// Every interface of a /proc/net/dev text but the loopback (traffic inside
// the pod is not the pod's network use; cAdvisor leaves "lo" out too).
std::vector<InterfaceCounters> parse_net_dev(std::string_view content);

// nullopt when the process is gone.
std::optional<std::vector<InterfaceCounters>> read_net_dev(int pid,
                                                           const std::string& proc_root = "/proc");

// The interface kubelet calls the pod's own: "eth0" when present, else the
// first; nullptr when there is none.
const InterfaceCounters* default_interface(const std::vector<InterfaceCounters>& interfaces);

}  // namespace common
