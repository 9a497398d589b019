#include "agent/app/options.h"

#include <arpa/inet.h>

#include <climits>
#include <stdexcept>

#include "agent/remote/runtime_endpoint.h"
#include "agent/server/api_address.h"
#include "build_version.h"
#include "common/flags.h"
#include "common/string_helpers.h"

namespace agent {

namespace {

using Flag = common::Flag<Options>;

// A period in milliseconds: a whole number from 1 up.
Flag ms_flag(std::string name, std::string help, int Options::*field) {
  return {std::move(name), "MS", std::move(help),
          [field](Options& o, const std::string& v) { o.*field = static_cast<int>(common::parse_integer(v, 1, INT_MAX)); },
          [field](const Options& o) { return std::to_string(o.*field); }};
}

void add_cluster_dns(Options& o, const std::string& value) {
  bool any = false;
  for (const auto& ip : common::split(value, ',')) {
    if (ip.empty()) continue;
    unsigned char buf[16];
    if (inet_pton(AF_INET, ip.c_str(), buf) != 1 && inet_pton(AF_INET6, ip.c_str(), buf) != 1)
      throw std::invalid_argument("\"" + ip + "\" is not an IP address");
    o.cluster_dns.push_back(ip);
    any = true;
  }
  if (!any) throw std::invalid_argument("needs at least one IP address");
}

const common::FlagSet<Options>& flags() {
  using common::string_flag;
  static const common::FlagSet<Options> kFlags({
      Flag{"runtime-endpoint", "URI", "the CRI runtime (unix:///path, /path, tcp://host:port or host:port)",
           [](Options& o, const std::string& v) {
             common::Endpoint::parse(v, remote::kRuntimeEndpointForms);
             o.runtime_endpoint = v;
           },
           [](const Options& o) { return o.runtime_endpoint; }},
      string_flag("manifest-dir", "DIR", "directory of Pod manifests to run (watched)", &Options::manifest_dir),
      string_flag("manifest-url", "URL", "URL of Pod manifests to run (polled)", &Options::manifest_url),
      string_flag("root-dir", "DIR", "state and pod log directory", &Options::root_dir),
      string_flag("node-name", "NAME", "this node's name (default: the host name)", &Options::node_name),
      Flag{"listen", "ADDRESS", "the HTTP API's address: host:port or tcp://host:port (TCP only)",
           [](Options& o, const std::string& v) {
             common::Endpoint::parse(v, server::kApiListenForms);
             o.listen = v;
           },
           [](const Options& o) { return o.listen; }},
      common::choice_flag("log-level", "trace, debug, info, warn, error, critical or off", &Options::log_level,
                          common::kLogLevels),
      common::choice_flag("log-format", "text or json", &Options::log_format, common::kLogFormats),
      ms_flag("sync-frequency-ms", "periodic resync of every pod", &Options::sync_frequency_ms),
      ms_flag("file-check-frequency-ms", "manifest directory rescan period", &Options::file_check_frequency_ms),
      ms_flag("url-check-frequency-ms", "manifest URL poll period", &Options::url_check_frequency_ms),
      ms_flag("pleg-relist-period-ms", "PLEG relist period", &Options::pleg_relist_period_ms),
      Flag{"evented-pleg", "", "use CRI GetContainerEvents when the runtime has it",
           [](Options& o, const std::string& v) { o.evented_pleg = common::parse_bool(v); },
           [](const Options& o) { return std::string(o.evented_pleg ? "true" : "false"); }, true},
      ms_flag("crash-backoff-initial-ms", "first restart delay of a crashing container",
              &Options::crash_backoff_initial_ms),
      ms_flag("crash-backoff-max-ms", "longest restart delay", &Options::crash_backoff_max_ms),
      ms_flag("crash-backoff-reset-ms", "good running time that resets the delay", &Options::crash_backoff_reset_ms),
      ms_flag("image-backoff-initial-ms", "first retry delay of a failed pull", &Options::image_backoff_initial_ms),
      ms_flag("image-backoff-max-ms", "longest pull retry delay", &Options::image_backoff_max_ms),
      Flag{"cluster-dns", "IPS", "DNS server IP for pods (repeatable, or a comma list)", add_cluster_dns},
      string_flag("cluster-domain", "DOMAIN", "cluster DNS domain", &Options::cluster_domain),
  });
  return kFlags;
}

}  // namespace

ParsedCommandLine parse_command_line(const std::vector<std::string>& args) {
  ParsedCommandLine out;
  switch (flags().parse(args, out.options)) {
    case common::FlagValues::Action::PrintHelp: out.action = ParsedCommandLine::Action::PrintHelp; break;
    case common::FlagValues::Action::PrintVersion: out.action = ParsedCommandLine::Action::PrintVersion; break;
    case common::FlagValues::Action::Run: break;
  }
  return out;
}

std::string help_text() {
  return "Usage: node-agent [flags]\n"
         "Runs the pods of a manifest directory, a manifest URL and its own HTTP API\n"
         "through a CRI runtime.\n\nFlags (--flag value or --flag=value):\n" +
         flags().help(Options{});
}

std::string version_text() { return std::string("node-agent ") + CRI_SHIM_VERSION; }

}  // namespace agent
