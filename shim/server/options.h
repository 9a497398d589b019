// cri-shim's settings: defaults, an optional YAML config file, then flags.
//
// Precedence is flags > config file > defaults. The config file uses the flag
// names without the leading dashes as keys ("docker-endpoint: unix:///...").
#pragma once

#include <optional>
#include <string_view>
#include <string>
#include <vector>

// The pause image's tag changes whenever the pause program does.
#define CRI_SHIM_PAUSE_TAG "1"

namespace shim {

// The name under which cri-shim imports its own pause program.
inline constexpr std::string_view kDefaultPauseImage = "cri-shim.local/pause:" CRI_SHIM_PAUSE_TAG;

struct Options {
  // unix:///path, tcp://host:port, or fd:// (systemd's socket activation).
  std::string listen = "unix:///run/cri-shim/cri-shim.sock";
  // The unix socket's group (a name or a GID); "" = root's. Mode is 0660.
  std::string socket_group;
  std::string docker_endpoint = "unix:///var/run/docker.sock";
  std::string log_level = "info";   // common::kLogLevels (and logrus's warning, fatal, panic)
  std::string log_format = "text";  // text | json
  std::string config_file;          // "" = none
  // Grace for in-flight calls on SIGTERM/SIGINT before they are cancelled.
  int shutdown_grace_seconds = 10;
  // The image of every sandbox's infra container. The default is built into
  // cri-shim (shim/pause) and imported when absent; any other is pulled.
  std::string pod_infra_container_image = std::string(kDefaultPauseImage);
  // Where the shim keeps what Docker cannot hold (log-follow positions, CNI
  // attachments).
  std::string root_dir = "/var/lib/cri-shim";
  // The streaming server (exec, attach, port-forward URLs): a numeric
  // address, loopback unless asked; port 0 = a free one.
  std::string streaming_address = "127.0.0.1";
  int streaming_port = 0;
  // Pod networking: "" (or cri-dockerd's "no-op") = Docker's bridge network;
  // "cni" = the CNI plugin chain of cni_conf_dir, binaries from cni_bin_dir
  // (separated by colons, or by commas as cri-dockerd takes them).
  std::string network_plugin;
  std::string cni_bin_dir = "/opt/cni/bin:/usr/lib/cni";
  std::string cni_conf_dir = "/etc/cni/net.d";
  // How long one CNI plugin call may run before it and its children are
  // killed (a plugin that hangs must not hold RunPodSandbox forever).
  int cni_plugin_timeout_seconds = 60;
  // Prometheus metrics at http://<address>/metrics (host:port, ":port" for
  // every address); "" = none.
  std::string metrics_address;
};

// What the command line asked for: run with Options, or print and exit.
struct ParsedCommandLine {
  enum class Action { Run, PrintHelp, PrintVersion } action = Action::Run;
  Options options;
  // What to log once logging is set up (cri-dockerd flags that change nothing).
  std::vector<std::string> warnings;
};

// Parses argv (and the config file it names). cri-dockerd's flags are taken
// too (shim/server/cri_dockerd_flags.h). Throws std::invalid_argument with a
// message naming the flag or key at fault.
ParsedCommandLine parse_command_line(const std::vector<std::string>& args);

// Applies the YAML config file at `path` onto `options`. Throws
// std::invalid_argument for unknown keys, bad values or an unreadable file.
void apply_config_file(const std::string& path, Options& options);

// Checks what depends on several settings (each value alone is checked as
// it is set, from a flag or the config file).
void validate(const Options& options);

std::string help_text();

}  // namespace shim
