// What the integration tests share: the real cri-shim binary started as a
// child process on a private socket, gRPC stubs to it, a docker client for
// checking what Docker shows, and the environment scripts/test.sh sets up.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "docker-client/client.h"
#include "runtime/v1/api.h"
#include "tests/support/shim_process.h"

namespace itest {

// An environment variable the test set-up must provide; fails the test
// with a message pointing at scripts/test.sh when it is missing.
std::string required_env(const char* name);
std::string env_or(const char* name, const std::string& fallback);

// A unique suffix for names this test creates.
std::string unique_suffix();

// Removes the cgroup `parent` ("/name") a test gave its pods, and every
// cgroup below it, from every hierarchy the host mounts: Docker (and
// node-agent's cm/) leave the parents they made behind. Cgroups that still
// hold tasks stay.
void remove_test_cgroups(const std::string& parent);

// A directory under /tmp named for the test, removed with everything in it
// when the test ends, passing or not.
class ScratchDir {
 public:
  explicit ScratchDir(const std::string& prefix);
  ~ScratchDir();
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// The real cri-shim (CRI_SHIM_BINARY, set by meson) on the test's dockerd.
class ShimProcess : public support::ShimProcess {
 public:
  explicit ShimProcess(std::vector<std::string> extra_args = {}, bool wait_ready = true);
  std::string endpoint() const { return "unix://" + socket_path(); }
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
