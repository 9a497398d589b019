// node-agent's flags. Precedence: flags > defaults.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "agent/eviction/thresholds.h"

namespace agent {

struct Options {
  std::string runtime_endpoint = "unix:///run/cri-shim/cri-shim.sock";
  std::string manifest_dir;          // "" = no directory source
  std::string manifest_url;          // "" = no URL source
  std::string root_dir = "/var/lib/node-agent";
  std::string node_name;             // "" = the host name
  std::string listen = "127.0.0.1:10255";
  std::string log_level = "info";
  std::string log_format = "text";   // text | json
  // Timings, in milliseconds unless named otherwise; tests shorten them.
  int sync_frequency_ms = 10000;          // periodic resync of every pod
  int file_check_frequency_ms = 20000;    // manifest-dir rescan
  int url_check_frequency_ms = 20000;     // manifest-url poll
  int pleg_relist_period_ms = 1000;
  bool evented_pleg = true;
  int crash_backoff_initial_ms = 10000;   // kubelet: 10 s doubling ...
  int crash_backoff_max_ms = 300000;      // ... to 5 min
  int crash_backoff_reset_ms = 600000;    // reset after 10 min of good running
  int image_backoff_initial_ms = 10000;
  int image_backoff_max_ms = 300000;
  std::vector<std::string> cluster_dns;   // --cluster-dns (repeatable or comma list)
  std::string cluster_domain = "cluster.local";

  // The node managers (issue 15), with kubelet's flag names and defaults.
  using KeyValues = std::vector<std::pair<std::string, std::string>>;
  // ContainerManager (cm/): pod cgroups under <cgroup-root>/kubepods.
  bool cgroups_per_qos = true;
  std::string cgroup_root = "/";
  std::string cgroup_driver;                 // "" = the runtime's (CRI RuntimeConfig), else cgroupfs | systemd
  KeyValues kube_reserved;                   // resource -> quantity: cpu, memory, ephemeral-storage, pid
  KeyValues system_reserved;
  std::vector<std::string> enforce_node_allocatable = {"pods"};  // pods, system-reserved, kube-reserved; none = []
  std::string kube_reserved_cgroup;          // needed when kube-reserved is enforced
  std::string system_reserved_cgroup;        // needed when system-reserved is enforced
  int max_pods = 110;
  int64_t pod_pids_limit = -1;               // -1: unlimited
  // eviction/: signal -> threshold text; validated by eviction::parse_thresholds.
  KeyValues eviction_hard = eviction::default_eviction_hard();  // kubelet's defaults unless given (a given flag replaces them)
  KeyValues eviction_soft;
  KeyValues eviction_soft_grace_period;      // signal -> Go duration
  KeyValues eviction_minimum_reclaim;
  int64_t eviction_pressure_transition_period_ms = 300000;
  int64_t eviction_max_pod_grace_period_s = 0;  // soft evictions: 0 = the pod's own grace period
  int64_t eviction_monitoring_period_ms = 10000;
  // Container GC (gc/) and image GC (images/).
  int64_t minimum_container_ttl_duration_ms = 0;
  int maximum_dead_containers_per_container = 1;
  int maximum_dead_containers = -1;          // -1: no global limit
  int64_t container_gc_period_ms = 60000;
  int image_gc_high_threshold = 85;          // percent of the image filesystem
  int image_gc_low_threshold = 80;
  int64_t image_minimum_gc_age_ms = 120000;
  int64_t image_gc_period_ms = 300000;
  // Node status (node/).
  int64_t node_status_update_frequency_ms = 10000;
  int64_t node_status_report_frequency_ms = 60000;
  std::string node_status_url;               // "" = no heartbeat sent
};

struct ParsedCommandLine {
  enum class Action { Run, PrintHelp, PrintVersion } action = Action::Run;
  Options options;
};

// `args` are the arguments after the program name (argv[1..]). Each flag is
// "--flag value" or "--flag=value"; --cluster-dns repeats and takes comma
// lists; --evented-pleg alone means true. Durations take Go's form (90s,
// 1m30s), map flags kubelet's (cpu=100m,memory=1Gi; memory.available<100Mi).
// Throws std::invalid_argument naming
// the flag at fault (unknown flag, missing or bad value).
ParsedCommandLine parse_command_line(const std::vector<std::string>& args);
std::string help_text();
std::string version_text();  // "node-agent <version>"

}  // namespace agent
