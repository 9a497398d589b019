#include "tests/integration/private_dockerd.h"

#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <thread>

#include <sys/mount.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <vector>

namespace itest {

PrivateDockerd::PrivateDockerd(std::string dir) : dir_(std::move(dir)) {
  std::filesystem::create_directories(dir_);
  client_ = std::make_unique<docker::Client>(docker::Endpoint::parse(endpoint()));
  start();
}

PrivateDockerd::~PrivateDockerd() {
  stop();
  unmount_leftovers();
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

namespace {
// `name` as PATH finds it (ChildProcess wants a path).
std::string program(const std::string& name) {
  const char* path = std::getenv("PATH");
  const std::string dirs = path ? path : "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  for (std::size_t start = 0; start <= dirs.size();) {
    const auto end = std::min(dirs.find(':', start), dirs.size());
    const auto candidate = std::filesystem::path(dirs.substr(start, end - start)) / name;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate.string();
    start = end + 1;
  }
  return "/usr/bin/" + name;
}
}  // namespace

void PrivateDockerd::start() {
  // In a network namespace of its own: a dockerd without a bridge deletes
  // docker0 where it runs, which would cut the shared dockerd's pods off.
  process_.start({program("unshare"), "--net", program("dockerd"), "--host", endpoint(), "--data-root", dir_ + "/data", "--exec-root", dir_ + "/exec",
                  "--pidfile", dir_ + "/docker.pid", "--bridge=none", "--iptables=false", "--ip6tables=false",
                  "--ip-masq=false", "--shutdown-timeout", "2"},
                 dir_ + "/dockerd.log", /*append=*/true);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  for (;;) {
    try {
      client_->ping(docker::CallOptions::with_timeout(std::chrono::seconds(2)));
      return;
    } catch (const docker::DockerError&) {
    }
    if (!process_.running() || std::chrono::steady_clock::now() > deadline)
      throw std::runtime_error("the private dockerd did not answer; its log:\n" +
                               support::last_lines(support::read_text_file(dir_ + "/dockerd.log"), 30));
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

// dockerd bind-mounts its network namespace under its exec root and leaves
// it there when it exits (it shares the host's mount namespace): without
// this every run left a directory in /tmp that remove_all cannot delete.
void PrivateDockerd::unmount_leftovers() {
  std::ifstream mountinfo("/proc/self/mountinfo");
  std::vector<std::string> under_dir;
  for (std::string line; std::getline(mountinfo, line);) {
    std::istringstream fields(line);
    std::string id, parent, device, root, mount_point;
    fields >> id >> parent >> device >> root >> mount_point;
    if (mount_point.rfind(dir_ + "/", 0) == 0) under_dir.push_back(mount_point);
  }
  // Deepest first.
  std::sort(under_dir.begin(), under_dir.end(), [](const auto& a, const auto& b) { return a.size() > b.size(); });
  for (const auto& mount_point : under_dir) ::umount2(mount_point.c_str(), MNT_DETACH);
}

void PrivateDockerd::stop() {
  if (process_.running()) process_.stop(SIGTERM, std::chrono::seconds(60));
}

void PrivateDockerd::restart() {
  stop();
  start();
}

void PrivateDockerd::load_image(const std::string& shared_endpoint, const std::string& image) {
  const std::string command = "docker --host " + shared_endpoint + " save " + image + " | docker --host " +
                              endpoint() + " load >/dev/null";
  if (std::system(command.c_str()) != 0) throw std::runtime_error("could not copy " + image + ": " + command);
}

}  // namespace itest
