// Facts about this host that the agent reports or puts into pods.
#pragma once

#include <string>

namespace agent {

// The host name, lowercased (kubelet's default node name).
std::string default_node_name();

// The first IPv4 address of an interface that is up, not loopback and not a
// container bridge or veth (docker0, br-*, veth*, cni*); "" when none.
std::string default_host_ip();

}  // namespace agent
