// What one plugin of a chain reads on stdin, built as libcni builds it: the
// plugin's own object from the list, with the list's "name" and
// "cniVersion", the previous plugin's result as "prevResult", and a
// "runtimeConfig" holding only the capabilities the plugin declares in its
// "capabilities" object (portMappings for portmap, ipRanges for host-local
// behind bridge, dns), and only those the pod has values for.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "shim/network/cni_config.h"

namespace shim::network {

struct PortMapping {
  int host_port = 0;
  int container_port = 0;
  std::string protocol = "tcp";  // "tcp" | "udp" | "sctp", as portmap spells them
  std::string host_ip;           // "" = every address
};

struct DnsSettings {
  std::vector<std::string> servers, searches, options;
};

// The per-pod values behind the capabilities. Kept with the attachment, so
// that DEL hands the plugins what ADD did (portmap finds its rules by them).
struct RuntimeInputs {
  std::vector<PortMapping> port_mappings;  // only those with a host port
  std::string pod_cidr;  // from UpdateRuntimeConfig ("a,b" dual-stack); "" = none
  DnsSettings dns;
};

nlohmann::json to_json(const RuntimeInputs& inputs);
RuntimeInputs runtime_inputs_from_json(const nlohmann::json& json);

// The stdin of plugin `index` of `list`. `prev_result` null = none.
nlohmann::json plugin_stdin(const NetworkConfigList& list, std::size_t index,
                            const nlohmann::json& prev_result, const RuntimeInputs& inputs);

}  // namespace shim::network
