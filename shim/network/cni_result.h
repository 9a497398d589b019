// What a CNI plugin answers: on success a result (the pod's addresses), on
// failure the CNI error object {code, msg, details}. Results of every
// version the Debian 12 plugins speak are read: 0.3.x/0.4.0/1.0.0
// ("ips" with an "interface" index into "interfaces") and 0.1/0.2 ("ip4",
// "ip6").
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace shim::network {

struct PodIps {
  std::string primary;                  // the first IPv4, else the first address
  std::vector<std::string> additional;  // the others, in result order
};

// The pod's addresses (without prefix length) on interface `ifname` inside
// the sandbox; addresses with no interface index count as the pod's too.
// Throws std::invalid_argument when the result is malformed.
PodIps pod_ips_from_result(const nlohmann::json& result, const std::string& ifname);

struct CniErrorReply {
  int code = 0;
  std::string msg, details;
};

// Reads {code, msg, details}; false when `text` is not such an object.
bool parse_cni_error(const std::string& text, CniErrorReply* out);

}  // namespace shim::network
