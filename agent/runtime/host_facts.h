// What the agent reads from the host to fill NodeContext and PodEnvContext,
// kept apart from cri_configs.h so the config builders stay pure.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace agent::runtime {

// The host resolver's settings, as kubelet's dns.go parseResolvConf reads
// them: every `nameserver`, the last `search` line (trailing dots dropped,
// "." ignored), `options` merged by name (a later one replaces an earlier
// one, in the earlier one's place). Lines starting with '#' or ';' are
// comments; unknown keywords are ignored.
struct HostResolvConf {
  std::vector<std::string> nameservers;
  std::vector<std::string> searches;
  std::vector<std::string> options;
};
HostResolvConf parse_resolv_conf(std::string_view text);
// Throws std::runtime_error naming the path and the cause when it cannot be
// read (kubelet fails the pod's DNS setup then, so does the caller).
HostResolvConf read_host_resolv_conf(const std::string& path = "/etc/resolv.conf");

}  // namespace agent::runtime
