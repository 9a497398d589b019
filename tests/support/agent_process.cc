#include "tests/support/agent_process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

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

AgentProcess::~AgentProcess() {
  if (running()) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  // Same switch as ShimProcess: keep the log and root dir for a post-mortem.
  if (const char* keep = std::getenv("CRI_SHIM_TEST_KEEP_LOGS"); keep && std::string(keep) == "1") {
    std::fprintf(stderr, "node-agent log kept: %s\n", log_path_.c_str());
    return;
  }
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

void AgentProcess::start(bool wait_ready) {
  if (pid_ > 0) throw std::runtime_error("node-agent is already running (pid " + std::to_string(pid_) + ")");
  port_ = free_loopback_port();
  std::vector<std::string> args = {binary_,
                                   "--runtime-endpoint", runtime_endpoint_,
                                   "--root-dir", root_dir_,
                                   "--manifest-dir", manifest_dir_,
                                   "--listen", "127.0.0.1:" + std::to_string(port_),
                                   "--log-level", "debug"};
  args.insert(args.end(), extra_args_.begin(), extra_args_.end());
  // Everything the child needs is made before fork(): in a multi-threaded
  // parent the child may only make async-signal-safe calls.
  std::vector<char*> argv;
  for (auto& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  // Appended, so that a restarted agent's log follows the first one's.
  const int log_fd = ::open(log_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log_fd < 0) throw std::runtime_error("cannot create " + log_path_);
  pid_ = fork();
  if (pid_ < 0) {
    ::close(log_fd);
    throw std::runtime_error("fork failed");
  }
  if (pid_ == 0) {
    dup2(log_fd, STDERR_FILENO);
    dup2(log_fd, STDOUT_FILENO);
    execv(argv[0], argv.data());
    _exit(127);
  }
  ::close(log_fd);
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

bool AgentProcess::running() {
  if (pid_ <= 0) return false;
  int status = 0;
  const pid_t result = waitpid(pid_, &status, WNOHANG);
  if (result == pid_) {
    pid_ = -1;
    return false;
  }
  return result == 0;
}

int AgentProcess::stop(int signal, std::chrono::seconds timeout) {
  if (pid_ <= 0) return -1;
  kill(pid_, signal);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return status;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return -1;
}

std::string AgentProcess::log() const {
  std::ifstream in(log_path_);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string AgentProcess::log_tail(std::size_t lines) const {
  std::istringstream in(log());
  std::deque<std::string> last;
  std::string line;
  while (std::getline(in, line)) {
    last.push_back(line);
    if (last.size() > lines) last.pop_front();
  }
  std::string out;
  for (const auto& l : last) out += l + "\n";
  return out;
}

long AgentProcess::rss_kib() const {
  if (pid_ <= 0) return -1;
  std::ifstream status("/proc/" + std::to_string(pid_) + "/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  return -1;
}

double AgentProcess::cpu_seconds() const {
  if (pid_ <= 0) return -1;
  std::ifstream in("/proc/" + std::to_string(pid_) + "/stat");
  std::string text;
  std::getline(in, text);
  // Field 2 (comm) is in parentheses and may hold spaces: count fields
  // from the last ')'. utime and stime are fields 14 and 15.
  const auto close = text.rfind(')');
  if (close == std::string::npos) return -1;
  std::istringstream fields(text.substr(close + 2));
  std::string field;
  unsigned long long utime = 0, stime = 0;
  for (int index = 3; fields >> field; ++index) {
    if (index == 14) utime = std::stoull(field);
    if (index == 15) {
      stime = std::stoull(field);
      return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
    }
  }
  return -1;
}

}  // namespace support
