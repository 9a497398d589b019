// What a CNI plugin prints, as the shim reads it: an ADD's stdout parsed
// without exceptions and, when it is an object, read for the pod's
// addresses (pod_ips_from_result; std::invalid_argument for a malformed
// result is its documented failure); a failing plugin's output read as the
// CNI error object (parse_cni_error, never throws). The result also goes
// to the next plugin of the chain as prevResult.
#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

#include "shim/network/cni_config.h"
#include "shim/network/cni_result.h"
#include "shim/network/plugin_config.h"

namespace net = shim::network;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);

  net::CniErrorReply reply;
  (void)net::parse_cni_error(text, &reply);

  const auto result = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (result.is_discarded() || !result.is_object()) return 0;
  for (const char* ifname : {"eth0", ""}) {
    try {
      const auto ips = net::pod_ips_from_result(result, ifname);
      if (ips.primary.empty() && !ips.additional.empty()) std::abort();
    } catch (const std::invalid_argument&) {
    }
  }
  net::NetworkConfigList list;
  list.name = "fuzz";
  list.cni_version = "1.0.0";
  list.plugins.push_back({{"type", "portmap"}, {"capabilities", {{"portMappings", true}}}});
  net::RuntimeInputs inputs;
  inputs.port_mappings.push_back({8080, 80, "tcp", ""});
  (void)net::plugin_stdin(list, 0, result, inputs).dump();
  return 0;
}
