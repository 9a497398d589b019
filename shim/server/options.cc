#include "shim/server/options.h"

#include <arpa/inet.h>

#include <array>
#include <climits>
#include <filesystem>
#include <functional>
#include <stdexcept>

#include <yaml-cpp/yaml.h>

#include "common/flags.h"
#include "docker-client/client.h"
#include "shim/metrics/metrics_server.h"
#include "shim/server/cri_dockerd_flags.h"
#include "shim/server/listener.h"

namespace shim {
namespace {

using Flag = common::Flag<Options>;

// A string member whose value `check` accepts (it throws otherwise).
Flag checked_flag(std::string name, std::string value_name, std::string help, std::string Options::*field,
                  std::function<void(const std::string&)> check) {
  return {std::move(name), std::move(value_name), std::move(help),
          [field, check](Options& o, const std::string& v) {
            check(v);
            o.*field = v;
          },
          [field](const Options& o) { return o.*field; }};
}

// A string member that may be empty.
Flag any_string_flag(std::string name, std::string value_name, std::string help, std::string Options::*field) {
  return {std::move(name), std::move(value_name), std::move(help),
          [field](Options& o, const std::string& v) { o.*field = v; }, [field](const Options& o) { return o.*field; }};
}

Flag int_flag(std::string name, std::string help, int Options::*field, int min, int max) {
  return {std::move(name), "N", std::move(help),
          [field, min, max](Options& o, const std::string& v) {
            o.*field = static_cast<int>(common::parse_integer(v, min, max));
          },
          [field](const Options& o) { return std::to_string(o.*field); }};
}

constexpr std::array<std::string_view, 2> kNetworkPlugins = {"", "cni"};

// One table serves flags and config keys, so the two never drift apart.
const common::FlagSet<Options>& flags() {
  using common::string_flag;
  static const common::FlagSet<Options> kFlags({
      checked_flag("listen", "URI",
                   "where to serve CRI: unix:///path, tcp://host:port, or fd:// (systemd's socket activation)",
                   &Options::listen, check_listen_address),
      Flag{"socket-group", "GROUP", "the CRI socket's group (name or GID), for non-root readers; \"\" = root's",
           [](Options& o, const std::string& v) {
             if (!v.empty()) resolve_group(v);
             o.socket_group = v;
           },
           [](const Options& o) { return o.socket_group.empty() ? "\"\"" : o.socket_group; }},
      checked_flag("docker-endpoint", "URI", "dockerd's API (unix:///path, /path or tcp://host:port)",
                   &Options::docker_endpoint, [](const std::string& v) { docker::Endpoint::parse(v); }),
      Flag{"log-level", "WORD", "trace, debug, info, warn, error, critical or off",
           [](Options& o, const std::string& v) {
             // logrus's names too, as cri-dockerd takes them.
             if (v == "warning") o.log_level = "warn";
             else if (v == "fatal" || v == "panic") o.log_level = "critical";
             else o.log_level = common::one_of(v, common::kLogLevels);
           },
           [](const Options& o) { return o.log_level; }},
      common::choice_flag("log-format", "text or json", &Options::log_format, common::kLogFormats),
      int_flag("shutdown-grace-seconds", "time in-flight calls get on SIGTERM", &Options::shutdown_grace_seconds, 0,
               INT_MAX),
      string_flag("pod-infra-container-image", "IMAGE",
                  "the sandboxes' infra image; the default is built in and imported when absent",
                  &Options::pod_infra_container_image),
      checked_flag("root-dir", "DIR", "state Docker cannot hold (log positions, CNI attachments)",
                   &Options::root_dir,
                   [](const std::string& v) {
                     if (v.empty() || v.front() != '/')
                       throw std::invalid_argument("must be an absolute path, got \"" + v + "\"");
                   }),
      checked_flag("streaming-address", "IP",
                   "where the exec/attach/port-forward URLs point; a public address only if you ask",
                   &Options::streaming_address,
                   [](const std::string& v) {
                     in6_addr ignored;
                     if (inet_pton(AF_INET, v.c_str(), &ignored) != 1 && inet_pton(AF_INET6, v.c_str(), &ignored) != 1)
                       throw std::invalid_argument("\"" + v + "\" is not a numeric IPv4 or IPv6 address");
                   }),
      int_flag("streaming-port", "its port; 0 = a free one", &Options::streaming_port, 0, 65535),
      Flag{"network-plugin", "NAME", "\"\" for Docker's bridge network, or cni",
           [](Options& o, const std::string& v) {
             if (v == "kubenet")
               throw std::invalid_argument("kubenet is not supported: use cni with the bridge and host-local plugins");
             o.network_plugin = v == "no-op" ? "" : common::one_of(v, kNetworkPlugins);  // no-op: cri-dockerd's ""
           },
           [](const Options& o) { return o.network_plugin.empty() ? "\"\"" : o.network_plugin; }},
      // Checked by validate(), and only for --network-plugin=cni.
      any_string_flag("cni-bin-dir", "DIRS", "where CNI plugins are, colon- or comma-separated", &Options::cni_bin_dir),
      any_string_flag("cni-conf-dir", "DIR", "the CNI network configs", &Options::cni_conf_dir),
      int_flag("cni-plugin-timeout-seconds", "how long one CNI plugin call may run before it is killed",
               &Options::cni_plugin_timeout_seconds, 1, 3600),
      Flag{"metrics-address", "HOST:PORT", "serve Prometheus metrics on http://HOST:PORT/metrics; \"\" = none",
           [](Options& o, const std::string& v) {
             if (!v.empty()) check_metrics_address(v);
             o.metrics_address = v;
           },
           [](const Options& o) { return o.metrics_address.empty() ? "\"\"" : o.metrics_address; }},
      any_string_flag("config", "FILE",
                      "YAML file with the same keys as the flags (without dashes); flags override it; \"\" = none",
                      &Options::config_file),
  });
  return kFlags;
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
  for (const auto& entry : root) {
    const auto key = entry.first.as<std::string>();
    if (key == "config" || !flags().has(key))
      throw std::invalid_argument("config file " + path + ": unknown key '" + key + "'");
    if (!entry.second.IsScalar())
      throw std::invalid_argument("config file " + path + ": key '" + key + "' needs a single value");
    try {
      flags().set(options, key, entry.second.as<std::string>());
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument("config file " + path + ": " + e.what());
    }
  }
}

void validate(const Options& options) {
  if (options.network_plugin != "cni") return;
  if (options.cni_bin_dir.find_first_not_of(":,") == std::string::npos)
    throw std::invalid_argument("--cni-bin-dir: no directory given");
  if (options.cni_conf_dir.empty()) throw std::invalid_argument("--cni-conf-dir: empty");
}

ParsedCommandLine parse_command_line(const std::vector<std::string>& args) {
  ParsedCommandLine parsed;
  const auto& aliases = cri_dockerd_alias_flags();
  const auto read = common::read_flag_values(args, [&aliases](const std::string& name) {
    if (flags().has(name)) return flags().is_bool(name);
    if (aliases.has(name)) return aliases.is_bool(name);
    if (const auto ignored = find_ignored_cri_dockerd_flag(name)) return ignored->is_bool;
    common::throw_unknown_flag(name);
  });
  if (read.action == common::FlagValues::Action::PrintHelp) parsed.action = ParsedCommandLine::Action::PrintHelp;
  if (read.action == common::FlagValues::Action::PrintVersion) parsed.action = ParsedCommandLine::Action::PrintVersion;
  if (read.action != common::FlagValues::Action::Run) return parsed;
  // Flags win over the config file: the file first, then the other flags.
  for (const auto& [name, value] : read.values)
    if (name == "config") flags().set(parsed.options, name, value);
  if (!parsed.options.config_file.empty()) apply_config_file(parsed.options.config_file, parsed.options);
  for (const auto& [name, value] : read.values) {
    if (name == "config") continue;
    if (flags().has(name)) {
      flags().set(parsed.options, name, value);
    } else if (aliases.has(name)) {
      aliases.set(parsed.options, name, value);
    } else {
      parsed.warnings.push_back("--" + name + " is cri-dockerd's and has no use in cri-shim (" +
                                std::string(find_ignored_cri_dockerd_flag(name)->why) + "); ignored");
    }
  }
  validate(parsed.options);
  return parsed;
}

std::string help_text() {
  return "cri-shim: a Kubernetes CRI v1 runtime service for Docker Engine.\n"
         "\n"
         "Usage: cri-shim [flags]\n"
         "\n"
         "Flags (--flag value or --flag=value):\n" +
         flags().help(Options{}) +
         "\n"
         "cri-dockerd's flags are taken too, so that its unit files run cri-shim:\n" +
         cri_dockerd_flags_help();
}

}  // namespace shim
