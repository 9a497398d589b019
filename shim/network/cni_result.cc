#include "shim/network/cni_result.h"

#include <stdexcept>

namespace shim::network {
namespace {

// The address of "10.0.0.2/24"; an empty one is a malformed result (it
// would become the pod's primary IP "" ahead of the real ones).
std::string without_prefix(const std::string& cidr) {
  std::string address = cidr.substr(0, cidr.find('/'));
  if (address.empty()) throw std::invalid_argument("a CNI result IP has an empty address: \"" + cidr + "\"");
  return address;
}

bool is_ipv4(const std::string& address) {
  return address.find(':') == std::string::npos;
}

// Index of the sandbox interface named `ifname` in "interfaces", or -1.
long sandbox_interface(const nlohmann::json& result, const std::string& ifname) {
  auto interfaces = result.find("interfaces");
  if (interfaces == result.end() || !interfaces->is_array()) return -1;
  for (std::size_t i = 0; i < interfaces->size(); ++i) {
    const auto& entry = (*interfaces)[i];
    if (!entry.is_object()) continue;
    if (entry.value("name", "") == ifname && !entry.value("sandbox", "").empty())
      return static_cast<long>(i);
  }
  return -1;
}

}  // namespace

PodIps pod_ips_from_result(const nlohmann::json& result, const std::string& ifname) {
  if (!result.is_object()) throw std::invalid_argument("the CNI result is not a JSON object");
  std::vector<std::string> addresses;
  if (auto ips = result.find("ips"); ips != result.end()) {
    if (!ips->is_array()) throw std::invalid_argument("the CNI result's \"ips\" is not a list");
    const long wanted = sandbox_interface(result, ifname);
    for (const auto& ip : *ips) {
      if (!ip.is_object() || !ip.contains("address") || !ip["address"].is_string())
        throw std::invalid_argument("a CNI result IP has no \"address\"");
      if (auto index = ip.find("interface"); index != ip.end() && index->is_number_integer() &&
                                             wanted >= 0 && index->get<long>() != wanted)
        continue;  // the host side of a veth, a bridge: not the pod's
      addresses.push_back(without_prefix(ip["address"].get<std::string>()));
    }
  } else {
    for (const char* family : {"ip4", "ip6"}) {
      auto entry = result.find(family);
      if (entry == result.end() || !entry->is_object()) continue;
      if (!entry->contains("ip") || !(*entry)["ip"].is_string())
        throw std::invalid_argument(std::string("the CNI result's \"") + family + "\" has no \"ip\"");
      addresses.push_back(without_prefix((*entry)["ip"].get<std::string>()));
    }
  }
  PodIps ips;
  for (const auto& address : addresses)
    if (ips.primary.empty() && is_ipv4(address)) ips.primary = address;
  if (ips.primary.empty() && !addresses.empty()) ips.primary = addresses.front();
  for (const auto& address : addresses)
    if (address != ips.primary) ips.additional.push_back(address);
  return ips;
}

bool parse_cni_error(const std::string& text, CniErrorReply* out) {
  nlohmann::json json = nlohmann::json::parse(text, nullptr, false);
  if (json.is_discarded() || !json.is_object()) return false;
  auto code = json.find("code");
  auto msg = json.find("msg");
  if (code == json.end() || !code->is_number_integer() || msg == json.end() || !msg->is_string())
    return false;
  out->code = code->get<int>();
  out->msg = msg->get<std::string>();
  if (auto details = json.find("details"); details != json.end() && details->is_string())
    out->details = details->get<std::string>();
  return true;
}

}  // namespace shim::network
