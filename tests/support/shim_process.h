// The real cri-shim binary as a child process on a private socket, for the
// integration tests and the benchmarks. Throws std::runtime_error (with the
// shim's log) when it cannot start it.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "runtime/v1/api.h"
#include "tests/support/child_process.h"

namespace support {

class ShimProcess {
 public:
  // Starts `binary` listening on a socket in a fresh temporary directory
  // (whose parent does not exist yet: the shim makes it), with `extra_args`
  // appended, and waits until it serves unless `wait_ready` is false.
  ShimProcess(const std::string& binary, const std::string& docker_endpoint,
              std::vector<std::string> extra_args = {}, bool wait_ready = true);
  ~ShimProcess();  // SIGKILL if still running; removes the directory
  ShimProcess(const ShimProcess&) = delete;
  ShimProcess& operator=(const ShimProcess&) = delete;

  const std::string& socket_path() const { return socket_path_; }
  pid_t pid() const { return process_.pid(); }

  // Sends `signal` and waits for the exit; returns the status as waitpid
  // reports it, or -1 on timeout.
  int stop(int signal, std::chrono::seconds timeout = std::chrono::seconds(20));
  bool running();
  std::string log() const;  // stdout and stderr so far
  std::shared_ptr<grpc::Channel> channel() const { return channel_; }
  std::unique_ptr<cri::RuntimeService::Stub> runtime() const;
  std::unique_ptr<cri::ImageService::Stub> images() const;
  // Resident set size in KiB, from /proc/<pid>/status.
  long rss_kib() const;

 private:
  std::string dir_, socket_path_, log_path_;
  ChildProcess process_;
  std::shared_ptr<grpc::Channel> channel_;
};

}  // namespace support
