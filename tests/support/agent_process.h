// The real node-agent binary as a child process, for the end-to-end tests
// and the benchmarks: its own root and manifest directories under a fresh
// temporary directory, an HTTP API on a free loopback port, its log in a
// file. It can be stopped (any signal, kill -9 included) and started again
// on the same directories, as an agent restart on a node would be.
// Throws std::runtime_error (with the agent's log) when it cannot start it.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

#include "tests/support/child_process.h"

namespace support {

// A TCP port on 127.0.0.1 that was free a moment ago (bound to port 0, read,
// closed). The agent cannot report a port 0 it picked itself from outside,
// so the harness picks one and passes it.
int free_loopback_port();

class AgentProcess {
 public:
  // Starts `binary` with --runtime-endpoint `runtime_endpoint`, --root-dir
  // <dir>/root, --manifest-dir <dir>/manifests, --listen 127.0.0.1:<free
  // port>, --log-level debug, then `extra_args` (later flags win). Waits
  // until its HTTP API answers unless `wait_ready` is false.
  AgentProcess(std::string binary, std::string runtime_endpoint, std::vector<std::string> extra_args = {},
               bool wait_ready = true);
  ~AgentProcess();  // SIGKILL if still running; removes the directory
  AgentProcess(const AgentProcess&) = delete;
  AgentProcess& operator=(const AgentProcess&) = delete;

  const std::string& dir() const { return dir_; }
  const std::string& root_dir() const { return root_dir_; }
  const std::string& manifest_dir() const { return manifest_dir_; }
  // The API's address: "127.0.0.1", port(); it changes on restart().
  int port() const { return port_; }
  pid_t pid() const { return process_.pid(); }

  // Sends `signal` and waits for the exit; returns the status as waitpid
  // reports it, or -1 when it is not running or did not exit in time.
  int stop(int signal, std::chrono::seconds timeout = std::chrono::seconds(30));
  // Starts the binary again with the same directories and flags (a new
  // port); the log file goes on. The previous process must have exited.
  void restart(bool wait_ready = true);
  bool running();
  // Everything the agent wrote to stdout and stderr, over all its starts.
  std::string log() const;
  // The last `lines` lines of log(), for failure messages.
  std::string log_tail(std::size_t lines = 60) const;

  // Resident set size in KiB (VmRSS in /proc/<pid>/status); -1 if unknown.
  long rss_kib() const { return process_.rss_kib(); }
  // User plus system CPU time the process used so far, in seconds
  // (/proc/<pid>/stat fields 14 and 15); -1 if unknown.
  double cpu_seconds() const { return process_.cpu_seconds(); }

 private:
  void start(bool wait_ready);

  std::string binary_, runtime_endpoint_;
  std::vector<std::string> extra_args_;
  std::string dir_, root_dir_, manifest_dir_, log_path_;
  int port_ = 0;
  ChildProcess process_;
};

}  // namespace support
