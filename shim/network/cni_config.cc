#include "shim/network/cni_config.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace shim::network {
namespace {

namespace fs = std::filesystem;

bool has_config_extension(const fs::path& path) {
  const auto ext = path.extension().string();
  return ext == ".conflist" || ext == ".conf" || ext == ".json";
}

std::string string_field(const nlohmann::json& object, const char* key, bool required) {
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) {
    if (required) throw std::invalid_argument(std::string("no \"") + key + "\"");
    return "";
  }
  if (!it->is_string()) throw std::invalid_argument(std::string("\"") + key + "\" is not a string");
  return it->get<std::string>();
}

// A plugin's type becomes a file name in the bin dirs: no path tricks.
void check_plugin(const nlohmann::json& plugin, std::size_t index) {
  const std::string where = "plugins[" + std::to_string(index) + "]";
  if (!plugin.is_object()) throw std::invalid_argument(where + " is not an object");
  std::string type;
  try {
    type = string_field(plugin, "type", true);
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument(where + ": " + e.what());
  }
  if (type.empty() || type.find('/') != std::string::npos || type == "." || type == "..")
    throw std::invalid_argument(where + ": \"type\" '" + type + "' is not a plugin name");
}

}  // namespace

NetworkConfigList parse_network_config(const std::string& filename, const std::string& text) {
  nlohmann::json root;
  try {
    root = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    throw std::invalid_argument(std::string("not JSON: ") + e.what());
  }
  if (!root.is_object()) throw std::invalid_argument("not a JSON object");
  NetworkConfigList list;
  list.source = filename;
  list.name = string_field(root, "name", true);
  list.cni_version = string_field(root, "cniVersion", false);
  if (list.name.empty()) throw std::invalid_argument("\"name\" is empty");
  if (fs::path(filename).extension() == ".conflist") {
    auto plugins = root.find("plugins");
    if (plugins == root.end() || !plugins->is_array())
      throw std::invalid_argument("no \"plugins\" list");
    if (plugins->empty()) throw std::invalid_argument("\"plugins\" is empty");
    for (std::size_t i = 0; i < plugins->size(); ++i) {
      check_plugin((*plugins)[i], i);
      list.plugins.push_back((*plugins)[i]);
    }
  } else {
    if (!root.contains("type"))
      throw std::invalid_argument("no \"type\" (a plugin list belongs in a .conflist file)");
    check_plugin(root, 0);
    list.plugins.push_back(root);
  }
  return list;
}

nlohmann::json to_json(const NetworkConfigList& list) {
  return {{"name", list.name}, {"cniVersion", list.cni_version},
          {"plugins", list.plugins}, {"source", list.source}};
}

NetworkConfigList network_config_from_json(const nlohmann::json& json) {
  NetworkConfigList list;
  list.name = json.at("name").get<std::string>();
  list.cni_version = json.value("cniVersion", "");
  list.source = json.value("source", "");
  for (const auto& plugin : json.at("plugins")) list.plugins.push_back(plugin);
  if (list.plugins.empty()) throw std::invalid_argument("stored network config has no plugins");
  return list;
}

ConfigSearch load_network_config(const std::string& conf_dir) {
  ConfigSearch search;
  std::vector<fs::path> files;
  std::error_code ec;
  for (fs::directory_iterator it(conf_dir, ec), end; !ec && it != end; it.increment(ec))
    if (has_config_extension(it->path()) && it->is_regular_file()) files.push_back(it->path());
  if (ec) {
    search.why_none = "cannot read " + conf_dir + ": " + ec.message();
    return search;
  }
  std::sort(files.begin(), files.end());
  std::vector<std::string> refused;
  for (const auto& file : files) {
    std::ifstream in(file);
    std::stringstream text;
    text << in.rdbuf();
    if (!in) {
      refused.push_back(file.filename().string() + ": unreadable");
      continue;
    }
    try {
      search.config = parse_network_config(file.string(), text.str());
      return search;
    } catch (const std::invalid_argument& e) {
      refused.push_back(file.filename().string() + ": " + e.what());
    }
  }
  search.why_none = "no valid CNI network config in " + conf_dir;
  if (files.empty()) search.why_none += " (no .conflist, .conf or .json file)";
  for (std::size_t i = 0; i < refused.size(); ++i)
    search.why_none += (i == 0 ? "; refused " : ", ") + refused[i];
  return search;
}

}  // namespace shim::network
