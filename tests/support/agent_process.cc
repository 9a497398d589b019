#include "tests/support/agent_process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

#include "tests/support/agent_http.h"

namespace support {

int free_loopback_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::runtime_error("free_loopback_port: socket failed");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof address;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    ::close(fd);
    throw std::runtime_error("free_loopback_port: bind to 127.0.0.1:0 failed");
  }
  ::close(fd);
  return ntohs(address.sin_port);
}

AgentProcess::AgentProcess(std::string binary, std::string runtime_endpoint,
                           std::vector<std::string> extra_args, bool wait_ready)
    : binary_(std::move(binary)), runtime_endpoint_(std::move(runtime_endpoint)),
      extra_args_(std::move(extra_args)) {
  char pattern[] = "/tmp/node-agent-test-XXXXXX";
  if (mkdtemp(pattern) == nullptr) throw std::runtime_error("mkdtemp failed");
  dir_ = pattern;
  root_dir_ = dir_ + "/root";
  manifest_dir_ = dir_ + "/manifests";
  log_path_ = dir_ + "/node-agent.log";
  std::filesystem::create_directories(manifest_dir_);
  start(wait_ready);
}

namespace {

// Lazily unmounts every mount point of this mount namespace under `dir`,
// deepest first (paths are the test's own: no octal escapes to undo).
void unmount_all_under(const std::string& dir) {
  std::vector<std::string> mounts;
  std::ifstream in("/proc/self/mountinfo");
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string id, parent, devno, root, mount_point;
    fields >> id >> parent >> devno >> root >> mount_point;
    if (mount_point.rfind(dir + "/", 0) == 0) mounts.push_back(mount_point);
  }
  std::sort(mounts.begin(), mounts.end(), [](const auto& a, const auto& b) { return a.size() > b.size(); });
  for (const auto& m : mounts) ::umount2(m.c_str(), MNT_DETACH);
}

}  // namespace

AgentProcess::~AgentProcess() {
  if (process_.running()) process_.stop(SIGKILL, std::chrono::seconds(10));
  // Same switch as ShimProcess: keep the log and root dir for a post-mortem.
  if (const char* keep = std::getenv("CRI_SHIM_TEST_KEEP_LOGS"); keep && std::string(keep) == "1") {
    std::fprintf(stderr, "node-agent log kept: %s\n", log_path_.c_str());
    return;
  }
  // The agent's volumes may still be mounted there (a test ends with the
  // agent stopped and its pods removed through CRI, so the agent never
  // takes them down): unmounted first, or they would outlive the test.
  unmount_all_under(dir_);
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

void AgentProcess::start(bool wait_ready) {
  port_ = free_loopback_port();
  std::vector<std::string> args = {binary_,
                                   "--runtime-endpoint", runtime_endpoint_,
                                   "--root-dir", root_dir_,
                                   "--manifest-dir", manifest_dir_,
                                   "--listen", "127.0.0.1:" + std::to_string(port_),
                                   "--log-level", "debug"};
  args.insert(args.end(), extra_args_.begin(), extra_args_.end());
  // Appended, so that a restarted agent's log follows the first one's.
  process_.start(std::move(args), log_path_, true);
  if (!wait_ready) return;

  // Ready = the API answers at all (healthz may say 500 until the first
  // relist; that is for the tests to look at).
  const AgentHttp http("127.0.0.1", port_);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (http.get("/healthz").status == 0) {
    if (!running()) throw std::runtime_error("node-agent exited during start-up; its log:\n" + log_tail());
    if (std::chrono::steady_clock::now() > deadline)
      throw std::runtime_error("node-agent's API did not answer on 127.0.0.1:" + std::to_string(port_) +
                               " within 30 s; its log:\n" + log_tail());
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

void AgentProcess::restart(bool wait_ready) {
  if (running()) throw std::runtime_error("restart: node-agent is still running");
  start(wait_ready);
}

bool AgentProcess::running() { return process_.running(); }

int AgentProcess::stop(int signal, std::chrono::seconds timeout) { return process_.stop(signal, timeout); }

std::string AgentProcess::log() const { return read_text_file(log_path_); }

std::string AgentProcess::log_tail(std::size_t lines) const { return last_lines(log(), lines); }

}  // namespace support
