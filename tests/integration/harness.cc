#include "tests/integration/harness.h"

#include <unistd.h>

#include <algorithm>
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
    FAIL("environment variable " << std::string(name)
                                 << " is not set: run the integration tests through "
                                    "scripts/test.sh, which starts dockerd and the registries");
  return value;
}

std::string env_or(const char* name, const std::string& fallback) {
  const char* value = std::getenv(name);
  return value && *value ? value : fallback;
}

void remove_test_cgroups(const std::string& parent) {
  namespace fs = std::filesystem;
  // cpu and cpuacct apart or joined, a hybrid host's unified hierarchy, or
  // v2's single tree.
  std::error_code ec;
  std::vector<fs::path> hierarchies{"/sys/fs/cgroup"};
  for (const auto& entry : fs::directory_iterator("/sys/fs/cgroup", ec))
    if (entry.is_directory(ec)) hierarchies.push_back(entry.path());
  for (const auto& hierarchy : hierarchies) {
    const fs::path top = hierarchy / parent.substr(1);
    if (!fs::is_directory(top, ec)) continue;
    // Deepest first: only an empty cgroup can go.
    std::vector<fs::path> dirs;
    for (auto it = fs::recursive_directory_iterator(top, ec); it != fs::recursive_directory_iterator(); it.increment(ec))
      if (it->is_directory(ec)) dirs.push_back(it->path());
    std::sort(dirs.begin(), dirs.end(), [](const fs::path& a, const fs::path& b) { return a.string() > b.string(); });
    for (const auto& dir : dirs) ::rmdir(dir.c_str());
    ::rmdir(top.c_str());
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
