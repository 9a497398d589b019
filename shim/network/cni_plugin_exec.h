// Running one CNI plugin binary as the CNI spec says: parameters in CNI_*
// environment variables, the network configuration on stdin, the result (or
// the CNI error object) on stdout. The plugin runs in its own process group;
// when it has not finished by the timeout, the group is SIGKILLed (a hung
// plugin must not hang RunPodSandbox or StopPodSandbox forever).
#pragma once

#include <chrono>
#include <stdexcept>
#include <string>
#include <vector>

namespace shim::network {

struct PluginCall {
  std::string command;       // CNI_COMMAND: ADD, DEL, CHECK, VERSION
  std::string container_id;  // CNI_CONTAINERID
  std::string netns;         // CNI_NETNS ("" allowed for DEL)
  std::string ifname = "eth0";
  std::string args;                    // CNI_ARGS, "K=V;K=V"
  std::vector<std::string> bin_dirs;   // searched in order; also CNI_PATH
  std::string stdin_data;              // the plugin's network config
  std::chrono::milliseconds timeout{std::chrono::seconds(60)};
};

// A plugin that failed: the CNI error object when it printed one (code >0),
// else code 0 and what it wrote on stderr or how it ended.
class CniPluginError : public std::runtime_error {
 public:
  CniPluginError(int code, const std::string& message) : std::runtime_error(message), code_(code) {}
  int code() const { return code_; }

 private:
  int code_;
};

// The plugin binary is in none of the bin dirs.
class CniPluginNotFound : public CniPluginError {
 public:
  explicit CniPluginNotFound(const std::string& message) : CniPluginError(0, message) {}
};

// The path of plugin `type` in the first of `bin_dirs` holding an
// executable by that name. Throws CniPluginNotFound naming the dirs searched.
std::string find_plugin(const std::string& type, const std::vector<std::string>& bin_dirs);

// Runs the plugin at `path`; returns its stdout when it exits 0. Throws
// CniPluginError (failure, timeout) or std::system_error (cannot spawn).
std::string exec_plugin(const std::string& path, const PluginCall& call);

}  // namespace shim::network
