#include "agent/app/options.h"

#include <arpa/inet.h>

#include <algorithm>
#include <climits>
#include <functional>
#include <set>
#include <sstream>
#include <stdexcept>

#include "build_version.h"

namespace agent {

namespace {

// One flag: its name, what it sets, and how the help shows it.
struct Flag {
  std::string name;  // without "--"
  std::string help;
  std::function<void(Options&, const std::string& flag, const std::string& value)> set;
  std::function<std::string(const Options&)> show_default;
  bool is_bool = false;
};

int parse_ms(const std::string& flag, const std::string& value) {
  // Digits only: "10s", "-1", "1e3" and "" are refused rather than half-read.
  if (value.empty() || value.size() > 10 || value.find_first_not_of("0123456789") != std::string::npos)
    throw std::invalid_argument(flag + ": expected a positive whole number of milliseconds, got \"" + value + "\"");
  long long v = std::stoll(value);
  if (v <= 0 || v > INT_MAX)
    throw std::invalid_argument(flag + ": must be between 1 and " + std::to_string(INT_MAX) + ", got \"" + value + "\"");
  return static_cast<int>(v);
}

bool parse_bool(const std::string& flag, const std::string& value) {
  if (value == "true" || value == "1") return true;
  if (value == "false" || value == "0") return false;
  throw std::invalid_argument(flag + ": expected true or false, got \"" + value + "\"");
}

std::string nonempty(const std::string& flag, const std::string& value) {
  if (value.empty()) throw std::invalid_argument(flag + ": needs a value");
  return value;
}

std::string one_of(const std::string& flag, const std::string& value, const std::set<std::string>& allowed) {
  if (allowed.count(value)) return value;
  std::string list;
  for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
  throw std::invalid_argument(flag + ": \"" + value + "\" is not one of " + list);
}

void add_cluster_dns(Options& o, const std::string& flag, const std::string& value) {
  std::stringstream in(value);
  std::string ip;
  bool any = false;
  while (std::getline(in, ip, ',')) {
    if (ip.empty()) continue;
    unsigned char buf[16];
    if (inet_pton(AF_INET, ip.c_str(), buf) != 1 && inet_pton(AF_INET6, ip.c_str(), buf) != 1)
      throw std::invalid_argument(flag + ": \"" + ip + "\" is not an IP address");
    o.cluster_dns.push_back(ip);
    any = true;
  }
  if (!any) throw std::invalid_argument(flag + ": needs at least one IP address");
}

#define STRING_FLAG(NAME, FIELD, HELP)                                                                    \
  Flag {                                                                                                  \
    NAME, HELP, [](Options& o, const std::string& f, const std::string& v) { o.FIELD = nonempty(f, v); }, \
        [](const Options& o) { return o.FIELD; }                                                          \
  }
#define MS_FLAG(NAME, FIELD, HELP)                                                                        \
  Flag {                                                                                                  \
    NAME, HELP, [](Options& o, const std::string& f, const std::string& v) { o.FIELD = parse_ms(f, v); }, \
        [](const Options& o) { return std::to_string(o.FIELD); }                                          \
  }

const std::vector<Flag>& flags() {
  static const std::vector<Flag> kFlags = {
      STRING_FLAG("runtime-endpoint", runtime_endpoint, "CRI runtime socket (unix://path)"),
      STRING_FLAG("manifest-dir", manifest_dir, "directory of Pod manifests to run (watched)"),
      STRING_FLAG("manifest-url", manifest_url, "URL of Pod manifests to run (polled)"),
      STRING_FLAG("root-dir", root_dir, "state and pod log directory"),
      STRING_FLAG("node-name", node_name, "this node's name (default: the host name)"),
      STRING_FLAG("listen", listen, "host:port of the HTTP API"),
      Flag{"log-level", "trace, debug, info, warn, error, critical or off",
           [](Options& o, const std::string& f, const std::string& v) {
             o.log_level = one_of(f, v, {"trace", "debug", "info", "warn", "error", "critical", "off"});
           },
           [](const Options& o) { return o.log_level; }},
      Flag{"log-format", "text or json",
           [](Options& o, const std::string& f, const std::string& v) { o.log_format = one_of(f, v, {"text", "json"}); },
           [](const Options& o) { return o.log_format; }},
      MS_FLAG("sync-frequency-ms", sync_frequency_ms, "periodic resync of every pod"),
      MS_FLAG("file-check-frequency-ms", file_check_frequency_ms, "manifest directory rescan period"),
      MS_FLAG("url-check-frequency-ms", url_check_frequency_ms, "manifest URL poll period"),
      MS_FLAG("pleg-relist-period-ms", pleg_relist_period_ms, "PLEG relist period"),
      Flag{"evented-pleg", "use CRI GetContainerEvents when the runtime has it (true/false)",
           [](Options& o, const std::string& f, const std::string& v) { o.evented_pleg = parse_bool(f, v); },
           [](const Options& o) { return std::string(o.evented_pleg ? "true" : "false"); }, true},
      MS_FLAG("crash-backoff-initial-ms", crash_backoff_initial_ms, "first restart delay of a crashing container"),
      MS_FLAG("crash-backoff-max-ms", crash_backoff_max_ms, "longest restart delay"),
      MS_FLAG("crash-backoff-reset-ms", crash_backoff_reset_ms, "good running time that resets the delay"),
      MS_FLAG("image-backoff-initial-ms", image_backoff_initial_ms, "first retry delay of a failed pull"),
      MS_FLAG("image-backoff-max-ms", image_backoff_max_ms, "longest pull retry delay"),
      Flag{"cluster-dns", "DNS server IP for pods (repeatable, or a comma list)", add_cluster_dns,
           [](const Options&) { return std::string(); }},
      STRING_FLAG("cluster-domain", cluster_domain, "cluster DNS domain"),
  };
  return kFlags;
}

#undef STRING_FLAG
#undef MS_FLAG

const Flag* find_flag(const std::string& name) {
  for (const auto& f : flags())
    if (f.name == name) return &f;
  return nullptr;
}

}  // namespace

ParsedCommandLine parse_command_line(const std::vector<std::string>& args) {
  ParsedCommandLine out;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "-h" || arg == "--help") {
      out.action = ParsedCommandLine::Action::PrintHelp;
      return out;
    }
    if (arg == "--version") {
      out.action = ParsedCommandLine::Action::PrintVersion;
      return out;
    }
    if (arg.rfind("--", 0) != 0 || arg.size() == 2)
      throw std::invalid_argument("unexpected argument \"" + arg + "\" (flags start with --; see --help)");
    size_t eq = arg.find('=');
    std::string name = arg.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
    const Flag* flag = find_flag(name);
    if (!flag) throw std::invalid_argument("unknown flag --" + name + " (see --help)");
    const std::string shown = "--" + name;
    std::string value;
    if (eq != std::string::npos) {
      value = arg.substr(eq + 1);
    } else if (flag->is_bool) {
      value = "true";  // a bare boolean flag; "--evented-pleg false" is not read as its value
    } else {
      if (i + 1 >= args.size()) throw std::invalid_argument(shown + ": needs a value");
      value = args[++i];
    }
    flag->set(out.options, shown, value);
  }
  return out;
}

// Where the help column starts: past the longest flag name.
constexpr size_t kColumn = 38;

std::string help_text() {
  const Options defaults;
  std::string out =
      "Usage: node-agent [flags]\n"
      "Runs the pods of a manifest directory, a manifest URL and its own HTTP API\n"
      "through a CRI runtime.\n\nFlags (--flag value or --flag=value):\n";
  for (const auto& f : flags()) {
    std::string left = "  --" + f.name + (f.is_bool ? "[=bool]" : " value");
    left.resize(std::max<size_t>(left.size() + 1, kColumn), ' ');
    out += left + f.help;
    std::string def = f.show_default(defaults);
    if (!def.empty()) out += " (default " + def + ")";
    out += "\n";
  }
  out += std::string("  -h, --help").append(kColumn - 12, ' ') + "this text\n";
  out += std::string("  --version").append(kColumn - 11, ' ') + "the version\n";
  return out;
}

std::string version_text() { return std::string("node-agent ") + CRI_SHIM_VERSION; }

}  // namespace agent
