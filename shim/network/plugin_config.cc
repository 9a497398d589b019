#include "shim/network/plugin_config.h"

namespace shim::network {
namespace {

bool declares(const nlohmann::json& plugin, const char* capability) {
  auto caps = plugin.find("capabilities");
  if (caps == plugin.end() || !caps->is_object()) return false;
  auto it = caps->find(capability);
  return it != caps->end() && it->is_boolean() && it->get<bool>();
}

nlohmann::json port_mappings_json(const std::vector<PortMapping>& mappings) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& m : mappings) {
    nlohmann::json entry = {{"hostPort", m.host_port},
                            {"containerPort", m.container_port},
                            {"protocol", m.protocol}};
    if (!m.host_ip.empty()) entry["hostIP"] = m.host_ip;
    list.push_back(entry);
  }
  return list;
}

}  // namespace

nlohmann::json to_json(const RuntimeInputs& inputs) {
  return {{"portMappings", port_mappings_json(inputs.port_mappings)},
          {"podCIDR", inputs.pod_cidr},
          {"dns",
           {{"servers", inputs.dns.servers},
            {"searches", inputs.dns.searches},
            {"options", inputs.dns.options}}}};
}

RuntimeInputs runtime_inputs_from_json(const nlohmann::json& json) {
  RuntimeInputs inputs;
  for (const auto& m : json.value("portMappings", nlohmann::json::array())) {
    PortMapping mapping;
    mapping.host_port = m.value("hostPort", 0);
    mapping.container_port = m.value("containerPort", 0);
    mapping.protocol = m.value("protocol", "tcp");
    mapping.host_ip = m.value("hostIP", "");
    inputs.port_mappings.push_back(mapping);
  }
  inputs.pod_cidr = json.value("podCIDR", "");
  if (auto dns = json.find("dns"); dns != json.end() && dns->is_object()) {
    inputs.dns.servers = dns->value("servers", std::vector<std::string>{});
    inputs.dns.searches = dns->value("searches", std::vector<std::string>{});
    inputs.dns.options = dns->value("options", std::vector<std::string>{});
  }
  return inputs;
}

nlohmann::json plugin_stdin(const NetworkConfigList& list, std::size_t index,
                            const nlohmann::json& prev_result, const RuntimeInputs& inputs) {
  nlohmann::json config = list.plugins.at(index);
  config["name"] = list.name;
  config["cniVersion"] = list.cni_version;
  if (!prev_result.is_null()) config["prevResult"] = prev_result;

  nlohmann::json runtime = nlohmann::json::object();
  if (declares(config, "portMappings") && !inputs.port_mappings.empty())
    runtime["portMappings"] = port_mappings_json(inputs.port_mappings);
  if (declares(config, "ipRanges") && !inputs.pod_cidr.empty()) {
    // kubelet's dual-stack "v4cidr,v6cidr": one range set per family.
    nlohmann::json sets = nlohmann::json::array();
    std::size_t start = 0;
    while (start <= inputs.pod_cidr.size()) {
      auto end = inputs.pod_cidr.find(',', start);
      if (end == std::string::npos) end = inputs.pod_cidr.size();
      if (end > start)
        sets.push_back(nlohmann::json::array({{{"subnet", inputs.pod_cidr.substr(start, end - start)}}}));
      start = end + 1;
    }
    runtime["ipRanges"] = sets;
  }
  const auto& dns = inputs.dns;
  if (declares(config, "dns") && (!dns.servers.empty() || !dns.searches.empty() || !dns.options.empty()))
    runtime["dns"] = {{"servers", dns.servers}, {"searches", dns.searches}, {"options", dns.options}};
  if (!runtime.empty()) config["runtimeConfig"] = runtime;
  return config;
}

}  // namespace shim::network
