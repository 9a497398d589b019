#include "tests/support/shim_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace support {

ShimProcess::ShimProcess(const std::string& binary, const std::string& docker_endpoint,
                         std::vector<std::string> extra_args, bool wait_ready) {
  char pattern[] = "/tmp/cri-shim-test-XXXXXX";
  if (mkdtemp(pattern) == nullptr) throw std::runtime_error("mkdtemp failed");
  dir_ = pattern;
  socket_path_ = dir_ + "/run/cri-shim.sock";
  log_path_ = dir_ + "/cri-shim.log";

  std::vector<std::string> args = {binary, "--listen", "unix://" + socket_path_,
                                   "--docker-endpoint", docker_endpoint, "--log-level", "debug"};
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  // Everything the child needs is made before fork(): in a multi-threaded
  // parent the child may only make async-signal-safe calls (no malloc).
  std::vector<char*> argv;
  for (auto& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  const int log_fd = ::open(log_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
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
  channel_ = grpc::CreateChannel("unix:" + socket_path_, grpc::InsecureChannelCredentials());
  if (!wait_ready) return;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (!channel_->WaitForConnected(std::chrono::system_clock::now() +
                                     std::chrono::milliseconds(200))) {
    if (!running()) throw std::runtime_error("cri-shim exited during start-up; its log:\n" + log());
    if (std::chrono::steady_clock::now() > deadline)
      throw std::runtime_error("cri-shim did not serve within 20 s; its log:\n" + log());
  }
}

ShimProcess::~ShimProcess() {
  if (running()) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  // CRI_SHIM_TEST_KEEP_LOGS=1 keeps the shim's log (and state) for a
  // post-mortem of a failure that only shows now and then.
  if (const char* keep = std::getenv("CRI_SHIM_TEST_KEEP_LOGS"); keep && std::string(keep) == "1") {
    std::fprintf(stderr, "cri-shim log kept: %s\n", log_path_.c_str());
    return;
  }
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

bool ShimProcess::running() {
  if (pid_ <= 0) return false;
  int status = 0;
  const pid_t result = waitpid(pid_, &status, WNOHANG);
  if (result == pid_) {
    pid_ = -1;
    return false;
  }
  return result == 0;
}

int ShimProcess::stop(int signal, std::chrono::seconds timeout) {
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

std::string ShimProcess::log() const {
  std::ifstream in(log_path_);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::unique_ptr<::runtime::v1::RuntimeService::Stub> ShimProcess::runtime() const {
  return ::runtime::v1::RuntimeService::NewStub(channel_);
}

std::unique_ptr<::runtime::v1::ImageService::Stub> ShimProcess::images() const {
  return ::runtime::v1::ImageService::NewStub(channel_);
}

long ShimProcess::rss_kib() const {
  std::ifstream status("/proc/" + std::to_string(pid_) + "/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  return -1;
}

}  // namespace support
