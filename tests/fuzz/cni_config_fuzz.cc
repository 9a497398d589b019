// CNI network configuration files as the shim finds them in --cni-conf-dir
// (parse_network_config; std::invalid_argument naming what is wrong is its
// documented failure, and load_network_config then skips the file). The
// first input byte picks a list (.conflist) or a single plugin (.conf). A
// config that parses must survive its stored form (to_json and back) and
// give every plugin its stdin.
#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

#include "shim/network/cni_config.h"
#include "shim/network/plugin_config.h"
#include "tests/fuzz/fuzz_input.h"

namespace net = shim::network;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::FuzzInput input(data, size);
  const std::uint8_t mode = input.byte();
  const std::string filename = (mode & 1) ? "10-fuzz.conflist" : "10-fuzz.conf";
  const std::string text(input.rest());
  net::NetworkConfigList list;
  try {
    list = net::parse_network_config(filename, text);
  } catch (const std::invalid_argument&) {
    return 0;
  }
  if (list.plugins.empty()) std::abort();
  const auto stored = net::network_config_from_json(nlohmann::json::parse(net::to_json(list).dump()));
  if (stored.name != list.name || stored.cni_version != list.cni_version || stored.plugins != list.plugins)
    std::abort();

  net::RuntimeInputs inputs;
  if (mode & 2) {
    inputs.port_mappings.push_back({8080, 80, "tcp", ""});
    inputs.pod_cidr = "10.244.0.0/24,fd00::/64";
    inputs.dns.servers = {"10.96.0.10"};
    inputs.dns.searches = {"default.svc.cluster.local"};
  }
  const auto inputs_back = net::runtime_inputs_from_json(nlohmann::json::parse(net::to_json(inputs).dump()));
  (void)inputs_back;
  nlohmann::json prev;  // null: the first plugin has no previous result
  for (std::size_t i = 0; i < list.plugins.size(); ++i) {
    const auto stdin_json = net::plugin_stdin(list, i, prev, inputs);
    (void)stdin_json.dump();
    prev = {{"cniVersion", list.cni_version}, {"ips", nlohmann::json::array()}};
  }
  return 0;
}
