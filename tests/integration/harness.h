// What the integration tests share: the real cri-shim binary started as a
// child process on a private socket, gRPC stubs to it, a docker client for
// checking what Docker shows, and the environment scripts/test.sh sets up.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "docker-client/client.h"
#include "runtime/v1/api.grpc.pb.h"

namespace itest {

namespace cri = ::runtime::v1;

// An environment variable the test set-up must provide; fails the test
// with a message pointing at scripts/test.sh when it is missing.
std::string required_env(const char* name);
std::string env_or(const char* name, const std::string& fallback);

// A unique suffix for names this test creates.
std::string unique_suffix();

class ShimProcess {
 public:
  // Starts build/shim/cri-shim (CRI_SHIM_BINARY) listening on a socket in a
  // fresh temporary directory, with `extra_args` appended, and waits until
  // it serves.
  explicit ShimProcess(std::vector<std::string> extra_args = {}, bool wait_ready = true);
  ~ShimProcess();  // SIGKILL if still running; removes the directory

  const std::string& socket_path() const { return socket_path_; }
  std::string endpoint() const { return "unix://" + socket_path_; }
  pid_t pid() const { return pid_; }

  // Sends `signal` and waits for the exit; returns the exit status as
  // waitpid reports it (use WIFEXITED/WEXITSTATUS), or -1 on timeout.
  int stop(int signal, std::chrono::seconds timeout = std::chrono::seconds(20));
  bool running();
  // The process's stderr so far (its log).
  std::string log() const;

  std::unique_ptr<cri::RuntimeService::Stub> runtime();
  std::unique_ptr<cri::ImageService::Stub> images();

 private:
  std::string dir_, socket_path_, log_path_;
  pid_t pid_ = -1;
  std::shared_ptr<grpc::Channel> channel_;
};

// A docker client on the test's dockerd.
docker::Client& docker_client();

// A client context with a deadline (every test call has one, so a hang fails
// the test instead of blocking it).
std::unique_ptr<grpc::ClientContext> context(std::chrono::milliseconds timeout =
                                                 std::chrono::seconds(60));

// Runs `command` through /bin/sh; returns its exit status.
int run(const std::string& command);

}  // namespace itest
