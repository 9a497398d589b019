// A program run as a child process for the tests and benchmarks, with its
// stdout and stderr in a log file: start, poll, signal, wait, and read what
// /proc says of it. ShimProcess and AgentProcess are built on it.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

namespace support {

class ChildProcess {
 public:
  ChildProcess() = default;
  ~ChildProcess();  // SIGKILL and reap if still running
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  // Starts args[0] with `args`, its output to `log_path` (appended when
  // `append`, else truncated). `fd3`, when given, is the child's fd 3 (as
  // systemd passes an activated socket). Throws std::runtime_error when it
  // cannot.
  void start(std::vector<std::string> args, const std::string& log_path, bool append, int fd3 = -1);
  bool running();
  // Sends `signal` and waits for the exit; the status as waitpid reports
  // it, or -1 when it is not running or did not exit within `timeout`.
  int stop(int signal, std::chrono::seconds timeout);
  // Waits for an exit without signalling: the status, or -1 as for stop().
  int wait(std::chrono::seconds timeout);
  pid_t pid() const { return pid_; }

  // VmRSS in KiB; -1 if unknown.
  long rss_kib() const;
  // User plus system CPU time so far, in seconds; -1 if unknown.
  double cpu_seconds() const;

 private:
  pid_t pid_ = -1;
};

// The whole text of `path` ("" when unreadable), and its last `lines` lines.
std::string read_text_file(const std::string& path);
std::string last_lines(const std::string& text, std::size_t lines);

}  // namespace support
