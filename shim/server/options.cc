#include "shim/server/options.h"

#include <arpa/inet.h>

#include <array>
#include <filesystem>
#include <functional>
#include <map>
#include <stdexcept>

#include <yaml-cpp/yaml.h>

namespace shim {
namespace {

using Setter = std::function<void(Options&, const std::string&)>;

int parse_int(const std::string& key, const std::string& value) {
  try {
    std::size_t used = 0;
    int parsed = std::stoi(value, &used);
    if (used == value.size()) return parsed;
  } catch (const std::exception&) {
  }
  throw std::invalid_argument(key + ": not an integer: '" + value + "'");
}

// One table serves both flags and config keys, so the two never drift apart.
const std::map<std::string, Setter>& settable_keys() {
  static const std::map<std::string, Setter> keys = {
      {"listen", [](Options& o, const std::string& v) { o.listen = v; }},
      {"docker-endpoint", [](Options& o, const std::string& v) { o.docker_endpoint = v; }},
      {"log-level", [](Options& o, const std::string& v) { o.log_level = v; }},
      {"log-format", [](Options& o, const std::string& v) { o.log_format = v; }},
      {"pod-infra-container-image",
       [](Options& o, const std::string& v) { o.pod_infra_container_image = v; }},
      {"root-dir", [](Options& o, const std::string& v) { o.root_dir = v; }},
      {"streaming-address", [](Options& o, const std::string& v) { o.streaming_address = v; }},
      {"streaming-port",
       [](Options& o, const std::string& v) {
         o.streaming_port = parse_int("streaming-port", v);
       }},
      {"shutdown-grace-seconds",
       [](Options& o, const std::string& v) {
         o.shutdown_grace_seconds = parse_int("shutdown-grace-seconds", v);
       }},
      {"network-plugin", [](Options& o, const std::string& v) { o.network_plugin = v; }},
      {"cni-bin-dir", [](Options& o, const std::string& v) { o.cni_bin_dir = v; }},
      {"cni-conf-dir", [](Options& o, const std::string& v) { o.cni_conf_dir = v; }},
  };
  return keys;
}

bool is_one_of(const std::string& value, std::initializer_list<const char*> allowed) {
  for (const char* a : allowed)
    if (value == a) return true;
  return false;
}

bool has_scheme(const std::string& uri, const char* scheme) {
  return uri.rfind(scheme, 0) == 0;
}

}  // namespace

void apply_config_file(const std::string& path, Options& options) {
  if (!std::filesystem::exists(path))
    throw std::invalid_argument("config file " + path + ": no such file");
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::Exception& e) {
    throw std::invalid_argument("config file " + path + ": " + e.what());
  }
  if (root.IsNull()) return;  // an empty file changes nothing
  if (!root.IsMap())
    throw std::invalid_argument("config file " + path + ": expected a mapping of keys to values");
  const auto& keys = settable_keys();
  for (const auto& entry : root) {
    const auto key = entry.first.as<std::string>();
    auto setter = keys.find(key);
    if (setter == keys.end())
      throw std::invalid_argument("config file " + path + ": unknown key '" + key + "'");
    if (!entry.second.IsScalar())
      throw std::invalid_argument("config file " + path + ": key '" + key +
                                  "' needs a single value");
    setter->second(options, entry.second.as<std::string>());
  }
}

void validate(const Options& options) {
  if (!is_one_of(options.log_level, {"trace", "debug", "info", "warn", "error", "critical", "off"}))
    throw std::invalid_argument("log-level: '" + options.log_level +
                                "' is not one of trace, debug, info, warn, error, critical, off");
  if (!is_one_of(options.log_format, {"text", "json"}))
    throw std::invalid_argument("log-format: '" + options.log_format +
                                "' is not one of text, json");
  if (!has_scheme(options.listen, "unix://") && !has_scheme(options.listen, "tcp://"))
    throw std::invalid_argument("listen: '" + options.listen +
                                "' must start with unix:// or tcp://");
  if (has_scheme(options.listen, "unix://") && options.listen.size() <= 7)
    throw std::invalid_argument("listen: the unix socket path is empty");
  if (options.docker_endpoint.empty())
    throw std::invalid_argument("docker-endpoint: empty");
  if (options.shutdown_grace_seconds < 0)
    throw std::invalid_argument("shutdown-grace-seconds: must not be negative");
  if (options.pod_infra_container_image.empty())
    throw std::invalid_argument("pod-infra-container-image: empty");
  if (options.root_dir.empty() || options.root_dir.front() != '/')
    throw std::invalid_argument("root-dir: must be an absolute path, got '" + options.root_dir + "'");
  if (options.streaming_port < 0 || options.streaming_port > 65535)
    throw std::invalid_argument("streaming-port: must be 0..65535, got " +
                                std::to_string(options.streaming_port));
  if (!is_one_of(options.network_plugin, {"", "cni"}))
    throw std::invalid_argument("network-plugin: '" + options.network_plugin +
                                "' is not one of \"\" (Docker's bridge network), cni");
  if (options.network_plugin == "cni" && options.cni_conf_dir.empty())
    throw std::invalid_argument("cni-conf-dir: empty");
  if (options.network_plugin == "cni" &&
      options.cni_bin_dir.find_first_not_of(':') == std::string::npos)
    throw std::invalid_argument("cni-bin-dir: no directory given");
  in6_addr ignored;
  if (inet_pton(AF_INET, options.streaming_address.c_str(), &ignored) != 1 &&
      inet_pton(AF_INET6, options.streaming_address.c_str(), &ignored) != 1)
    throw std::invalid_argument("streaming-address: '" + options.streaming_address +
                                "' is not a numeric IPv4 or IPv6 address");
}

ParsedCommandLine parse_command_line(const std::vector<std::string>& args) {
  ParsedCommandLine parsed;
  // Flags win over the config file, so remember them and apply them last.
  std::vector<std::pair<std::string, std::string>> flags;
  std::string config_file;
  const auto& keys = settable_keys();

  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--help" || arg == "-h") {
      parsed.action = ParsedCommandLine::Action::PrintHelp;
      return parsed;
    }
    if (arg == "--version") {
      parsed.action = ParsedCommandLine::Action::PrintVersion;
      return parsed;
    }
    if (arg.rfind("--", 0) != 0)
      throw std::invalid_argument("unexpected argument '" + arg + "' (see --help)");
    std::string name = arg.substr(2);
    std::string value;
    if (auto eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name.resize(eq);
    } else {
      if (i + 1 >= args.size()) throw std::invalid_argument("--" + name + " needs a value");
      value = args[++i];
    }
    if (name == "config") {
      config_file = value;
    } else if (keys.count(name)) {
      flags.emplace_back(name, value);
    } else {
      throw std::invalid_argument("unknown flag --" + name + " (see --help)");
    }
  }

  if (!config_file.empty()) {
    apply_config_file(config_file, parsed.options);
    parsed.options.config_file = config_file;
  }
  for (const auto& [name, value] : flags) keys.at(name)(parsed.options, value);
  validate(parsed.options);
  return parsed;
}

std::string help_text() {
  const Options defaults;
  return "cri-shim: a Kubernetes CRI v1 runtime service for Docker Engine.\n"
         "\n"
         "Usage: cri-shim [flags]\n"
         "\n"
         "Flags:\n"
         "  --listen URI              where to serve CRI (unix:///path or tcp://host:port)\n"
         "                            [" + defaults.listen + "]\n"
         "  --docker-endpoint URI     dockerd's API (unix:///path or tcp://host:port)\n"
         "                            [" + defaults.docker_endpoint + "]\n"
         "  --log-level LEVEL         trace, debug, info, warn, error, critical, off [" +
         defaults.log_level + "]\n"
         "  --log-format FORMAT       text or json [" + defaults.log_format + "]\n"
         "  --shutdown-grace-seconds N  time in-flight calls get on SIGTERM [" +
         std::to_string(defaults.shutdown_grace_seconds) + "]\n"
         "  --pod-infra-container-image IMAGE  the sandboxes' infra image; the default\n"
         "                            is built in and imported when absent [" +
         defaults.pod_infra_container_image + "]\n"
         "  --root-dir DIR            state Docker cannot hold (log positions, CNI\n"
         "                            attachments) [" +
         defaults.root_dir + "]\n"
         "  --streaming-address IP    where the exec/attach/port-forward URLs point; a\n"
         "                            public address only if you ask [" +
         defaults.streaming_address + "]\n"
         "  --streaming-port N        its port; 0 = a free one [" +
         std::to_string(defaults.streaming_port) + "]\n"
         "  --network-plugin NAME     \"\" for Docker's bridge network, or cni [" +
         defaults.network_plugin + "]\n"
         "  --cni-bin-dir DIRS        where CNI plugins are, colon-separated [" +
         defaults.cni_bin_dir + "]\n"
         "  --cni-conf-dir DIR        the CNI network configs [" + defaults.cni_conf_dir + "]\n"
         "  --config FILE             YAML file with the same keys as the flags\n"
         "                            (without dashes); flags override it\n"
         "  --version                 print the version and exit\n"
         "  --help                    print this help and exit\n";
}

}  // namespace shim
