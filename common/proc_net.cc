#include "common/proc_net.h"

#include <sstream>

#include "common/small_file.h"

namespace common {

std::vector<InterfaceCounters> parse_net_dev(std::string_view content) {
  std::vector<InterfaceCounters> out;
  std::istringstream lines{std::string(content)};
  std::string line;
  while (std::getline(lines, line)) {
    // "  eth0: rx_bytes rx_packets rx_errs rx_drop rx_fifo rx_frame rx_compressed
    //   rx_multicast tx_bytes tx_packets tx_errs ..." (two header lines have no ':'
    // after a name).
    const auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string name = line.substr(0, colon);
    name.erase(0, name.find_first_not_of(' '));
    if (name.empty() || name.find('|') != std::string::npos || name == "lo") continue;
    std::istringstream fields(line.substr(colon + 1));
    std::uint64_t values[11] = {};
    int read = 0;
    while (read < 11 && fields >> values[read]) ++read;
    if (read < 11) continue;
    InterfaceCounters counters;
    counters.name = std::move(name);
    counters.rx_bytes = values[0];
    counters.rx_errors = values[2];
    counters.tx_bytes = values[8];
    counters.tx_errors = values[10];
    out.push_back(std::move(counters));
  }
  return out;
}

std::optional<std::vector<InterfaceCounters>> read_net_dev(int pid, const std::string& proc_root) {
  if (pid <= 0) return std::nullopt;
  const auto content = read_small_file(proc_root + "/" + std::to_string(pid) + "/net/dev");
  if (!content) return std::nullopt;
  return parse_net_dev(*content);
}

const InterfaceCounters* default_interface(const std::vector<InterfaceCounters>& interfaces) {
  for (const auto& counters : interfaces)
    if (counters.name == "eth0") return &counters;
  return interfaces.empty() ? nullptr : &interfaces.front();
}

}  // namespace common
