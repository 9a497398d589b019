#include "agent/app/options.h"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <climits>
#include <cstdint>
#include <stdexcept>

#include "agent/eviction/thresholds.h"
#include "agent/pod/quantity.h"
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

// A Go duration ("90s", "1m30s"), kept in milliseconds.
Flag duration_flag(std::string name, std::string help, int64_t Options::*field) {
  return {std::move(name), "DURATION", std::move(help),
          [field](Options& o, const std::string& v) { o.*field = common::parse_duration_ms(v); },
          [field](const Options& o) {
            const int64_t ms = o.*field;
            if (ms == 0) return std::string("0s");
            if (ms % 60000 == 0) return std::to_string(ms / 60000) + "m";
            if (ms % 1000 == 0) return std::to_string(ms / 1000) + "s";
            return std::to_string(ms) + "ms";
          }};
}

Flag int_flag(std::string name, std::string help, int Options::*field, int min, int max) {
  return {std::move(name), "N", std::move(help),
          [field, min, max](Options& o, const std::string& v) { o.*field = static_cast<int>(common::parse_integer(v, min, max)); },
          [field](const Options& o) { return std::to_string(o.*field); }};
}

std::string show_key_values(const Options::KeyValues& values, char separator) {
  std::vector<std::string> items;
  for (const auto& [k, v] : values) items.push_back(k + separator + v);
  return common::join(items, ",");
}

// --kube-reserved / --system-reserved: cpu, memory, ephemeral-storage and
// pid, each a quantity that is not negative.
Flag reserved_flag(std::string name, std::string help, Options::KeyValues Options::*field) {
  return {std::move(name), "RESOURCES", std::move(help),
          [field](Options& o, const std::string& v) {
            auto values = common::parse_key_values(v, '=');
            for (const auto& [resource, text] : values) {
              if (resource != "cpu" && resource != "memory" && resource != "ephemeral-storage" && resource != "pid")
                throw std::invalid_argument("\"" + resource + "\" is not one of cpu, memory, ephemeral-storage, pid");
              try {
                if (pod::Quantity::parse(text).negative()) throw pod::QuantityError("negative");
              } catch (const pod::QuantityError& e) {
                throw std::invalid_argument(resource + ": " + e.what());
              }
            }
            o.*field = std::move(values);
          },
          [field](const Options& o) { return show_key_values(o.*field, '='); }};
}

// The --eviction-* maps; they are checked together once all are read.
Flag key_values_flag(std::string name, std::string value_name, std::string help, Options::KeyValues Options::*field,
                     char separator) {
  return {std::move(name), std::move(value_name), std::move(help),
          [field, separator](Options& o, const std::string& v) { o.*field = common::parse_key_values(v, separator); },
          [field, separator](const Options& o) { return show_key_values(o.*field, separator); }};
}

void set_enforce_node_allocatable(Options& o, const std::string& value) {
  static constexpr std::array<std::string_view, 4> kAllowed = {"pods", "system-reserved", "kube-reserved", "none"};
  std::vector<std::string> items;
  for (const auto& item : common::split(value, ',')) {
    if (item.empty()) continue;
    common::one_of(item, kAllowed);
    if (item != "none") items.push_back(item);
  }
  o.enforce_node_allocatable = std::move(items);
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
      // ContainerManager
      Flag{"cgroups-per-qos", "", "make kubelet's QoS and pod cgroups and run each pod in its own",
           [](Options& o, const std::string& v) { o.cgroups_per_qos = common::parse_bool(v); },
           [](const Options& o) { return std::string(o.cgroups_per_qos ? "true" : "false"); }, true},
      string_flag("cgroup-root", "PATH", "the cgroup above kubepods", &Options::cgroup_root),
      Flag{"cgroup-driver", "WORD", "cgroupfs or systemd (default: what the runtime reports)",
           [](Options& o, const std::string& v) {
             static constexpr std::array<std::string_view, 2> kDrivers = {"cgroupfs", "systemd"};
             o.cgroup_driver = common::one_of(v, kDrivers);
           },
           [](const Options& o) { return o.cgroup_driver; }},
      reserved_flag("kube-reserved", "resources kept for Kubernetes daemons (cpu=100m,memory=100Mi,...)",
                    &Options::kube_reserved),
      reserved_flag("system-reserved", "resources kept for the system (cpu=100m,memory=100Mi,...)",
                    &Options::system_reserved),
      Flag{"enforce-node-allocatable", "LIST", "pods, system-reserved, kube-reserved, or none",
           set_enforce_node_allocatable,
           [](const Options& o) { return o.enforce_node_allocatable.empty() ? std::string("none")
                                                                             : common::join(o.enforce_node_allocatable, ","); }},
      string_flag("kube-reserved-cgroup", "PATH", "the cgroup --kube-reserved is enforced on", &Options::kube_reserved_cgroup),
      string_flag("system-reserved-cgroup", "PATH", "the cgroup --system-reserved is enforced on",
                  &Options::system_reserved_cgroup),
      int_flag("max-pods", "pods this node runs at most", &Options::max_pods, 1, 1000000),
      Flag{"pod-max-pids", "N", "pids each pod may use (-1: unlimited)",
           [](Options& o, const std::string& v) { o.pod_pids_limit = common::parse_integer(v, -1, INT64_MAX); },
           [](const Options& o) { return std::to_string(o.pod_pids_limit); }},
      // Eviction
      key_values_flag("eviction-hard", "THRESHOLDS", "hard eviction thresholds (memory.available<100Mi,...); replaces the defaults",
                      &Options::eviction_hard, '<'),
      key_values_flag("eviction-soft", "THRESHOLDS", "soft eviction thresholds (memory.available<300Mi,...)",
                      &Options::eviction_soft, '<'),
      key_values_flag("eviction-soft-grace-period", "PERIODS", "each soft threshold's grace period (memory.available=1m30s)",
                      &Options::eviction_soft_grace_period, '='),
      key_values_flag("eviction-minimum-reclaim", "AMOUNTS", "what an eviction frees beyond its threshold (memory.available=0Mi)",
                      &Options::eviction_minimum_reclaim, '='),
      duration_flag("eviction-pressure-transition-period", "how long a pressure condition stays after its signal clears",
                    &Options::eviction_pressure_transition_period_ms),
      Flag{"eviction-max-pod-grace-period", "SECONDS", "the longest grace period of a soft eviction (0: the pod's own)",
           [](Options& o, const std::string& v) { o.eviction_max_pod_grace_period_s = common::parse_integer(v, 0, INT64_MAX); },
           [](const Options& o) { return std::to_string(o.eviction_max_pod_grace_period_s); }},
      duration_flag("eviction-monitoring-period", "how often the eviction signals are read",
                    &Options::eviction_monitoring_period_ms),
      // Garbage collection
      duration_flag("minimum-container-ttl-duration", "age a dead container must reach before it is collected",
                    &Options::minimum_container_ttl_duration_ms),
      int_flag("maximum-dead-containers-per-container", "dead containers kept per container (-1: no limit)",
               &Options::maximum_dead_containers_per_container, -1, INT_MAX),
      int_flag("maximum-dead-containers", "dead containers kept on the node (-1: no limit)",
               &Options::maximum_dead_containers, -1, INT_MAX),
      duration_flag("container-gc-period", "how often dead containers are collected", &Options::container_gc_period_ms),
      int_flag("image-gc-high-threshold", "image filesystem use (percent) that starts image GC",
               &Options::image_gc_high_threshold, 0, 100),
      int_flag("image-gc-low-threshold", "image filesystem use (percent) image GC frees down to",
               &Options::image_gc_low_threshold, 0, 100),
      duration_flag("image-minimum-gc-age", "age an unused image must reach before it is collected",
                    &Options::image_minimum_gc_age_ms),
      duration_flag("image-gc-period", "how often image use is checked", &Options::image_gc_period_ms),
      // Node status
      duration_flag("node-status-update-frequency", "how often the node's status is computed",
                    &Options::node_status_update_frequency_ms),
      duration_flag("node-status-report-frequency", "longest time between two sends to --node-status-url",
                    &Options::node_status_report_frequency_ms),
      string_flag("node-status-url", "URL", "where the Node object is POSTed on change (http://host:port/path)",
                  &Options::node_status_url),
  });
  return kFlags;
}

}  // namespace

ParsedCommandLine parse_command_line(const std::vector<std::string>& args) {
  ParsedCommandLine out;
  const auto action = flags().parse(args, out.options);
  // The flags that only make sense together.
  auto& o = out.options;
  eviction::parse_thresholds(o.eviction_hard, o.eviction_soft, o.eviction_soft_grace_period,
                             o.eviction_minimum_reclaim);
  if (o.image_gc_low_threshold > o.image_gc_high_threshold)
    throw std::invalid_argument("--image-gc-low-threshold (" + std::to_string(o.image_gc_low_threshold) +
                                ") must not be above --image-gc-high-threshold (" +
                                std::to_string(o.image_gc_high_threshold) + ")");
  auto enforced = [&o](const char* what) {
    return std::find(o.enforce_node_allocatable.begin(), o.enforce_node_allocatable.end(), what) !=
           o.enforce_node_allocatable.end();
  };
  if (!o.enforce_node_allocatable.empty() && !o.cgroups_per_qos && enforced("pods"))
    throw std::invalid_argument("--enforce-node-allocatable=pods needs --cgroups-per-qos");
  if (enforced("kube-reserved") && o.kube_reserved_cgroup.empty())
    throw std::invalid_argument("--enforce-node-allocatable=kube-reserved needs --kube-reserved-cgroup");
  if (enforced("system-reserved") && o.system_reserved_cgroup.empty())
    throw std::invalid_argument("--enforce-node-allocatable=system-reserved needs --system-reserved-cgroup");
  switch (action) {
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
