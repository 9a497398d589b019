// node-agent's flags. Precedence: flags > defaults.
#pragma once

#include <string>
#include <vector>

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
};

struct ParsedCommandLine {
  enum class Action { Run, PrintHelp, PrintVersion } action = Action::Run;
  Options options;
};

// `args` are the arguments after the program name (argv[1..]). Each flag is
// "--flag value" or "--flag=value"; --cluster-dns repeats and takes comma
// lists; --evented-pleg alone means true. Throws std::invalid_argument naming
// the flag at fault (unknown flag, missing or bad value).
ParsedCommandLine parse_command_line(const std::vector<std::string>& args);
std::string help_text();
std::string version_text();  // "node-agent <version>"

}  // namespace agent
