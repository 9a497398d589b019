#include "tests/integration/harness.h"

#include <filesystem>
#include <vector>

#include <doctest/doctest.h>

#include <cstdlib>
#include <random>
#include <sstream>

namespace itest {

std::string required_env(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0')
    FAIL("environment variable " << name
                                 << " is not set: run the integration tests through "
                                    "scripts/test.sh, which starts dockerd and the registries");
  return value;
}

std::string env_or(const char* name, const std::string& fallback) {
  const char* value = std::getenv(name);
  return value && *value ? value : fallback;
}

void remove_test_cgroups(const std::string& parent) {
  // Children first; cpu and cpuacct apart or joined, a hybrid host's
  // unified hierarchy, or v2's single tree.
  std::error_code ignored;
  std::vector<std::filesystem::path> hierarchies{"/sys/fs/cgroup"};
  for (const auto& entry : std::filesystem::directory_iterator("/sys/fs/cgroup", ignored))
    if (entry.is_directory(ignored)) hierarchies.push_back(entry.path());
  for (const auto& hierarchy : hierarchies) {
    const auto dir = hierarchy / parent.substr(1);
    if (std::filesystem::is_directory(dir, ignored))
      for (const auto& child : std::filesystem::directory_iterator(dir, ignored))
        if (child.is_directory(ignored)) std::filesystem::remove(child.path(), ignored);
    std::filesystem::remove(dir, ignored);
  }
}

std::string unique_suffix() {
  static std::mt19937_64 random(std::random_device{}());
  std::ostringstream out;
  out << std::hex << (random() & 0xffffffffffULL);
  return out.str();
}

ShimProcess::ShimProcess(std::vector<std::string> extra_args, bool wait_ready)
    : support::ShimProcess(required_env("CRI_SHIM_BINARY"),
                           env_or("CRI_SHIM_TEST_DOCKER_ENDPOINT", "unix:///var/run/docker.sock"),
                           std::move(extra_args), wait_ready) {}

docker::Client& docker_client() {
  static docker::Client client(docker::Endpoint::parse(
      env_or("CRI_SHIM_TEST_DOCKER_ENDPOINT", "unix:///var/run/docker.sock")));
  return client;
}

std::unique_ptr<grpc::ClientContext> context(std::chrono::milliseconds timeout) {
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->set_deadline(std::chrono::system_clock::now() + timeout);
  return ctx;
}

int run(const std::string& command) { return std::system(command.c_str()); }

ScratchDir::ScratchDir(const std::string& prefix) : path_("/tmp/" + prefix + "-" + unique_suffix()) {}

ScratchDir::~ScratchDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

}  // namespace itest
