// The CNI network configuration, found as libcni finds it: the files of the
// conf dir ending in .conflist, .conf or .json, in lexical order; the first
// one that parses and names at least one plugin wins. A single-plugin file
// (.conf/.json) becomes a list of one plugin, its name and cniVersion lifted
// to the list. Invalid files are skipped (and named in the "why none" text),
// so a half-written file never hides a good one after it.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace shim::network {

struct NetworkConfigList {
  std::string name;
  std::string cni_version;
  std::vector<nlohmann::json> plugins;  // each has a string "type"
  std::string source;                   // the file it came from
};

// Parses one file's text. Throws std::invalid_argument naming what is wrong.
// `filename` decides list (.conflist) or single plugin (anything else).
NetworkConfigList parse_network_config(const std::string& filename, const std::string& text);

// The plugins' stored form (network state) back into a list.
nlohmann::json to_json(const NetworkConfigList& list);
NetworkConfigList network_config_from_json(const nlohmann::json& json);

struct ConfigSearch {
  std::optional<NetworkConfigList> config;
  std::string why_none;  // when !config: what was found and why it was refused
};

// Loads the first valid configuration in `conf_dir` (never throws).
ConfigSearch load_network_config(const std::string& conf_dir);

}  // namespace shim::network
