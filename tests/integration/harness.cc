#include "tests/integration/harness.h"

#include <doctest/doctest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

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

std::string unique_suffix() {
  static std::mt19937_64 random(std::random_device{}());
  std::ostringstream out;
  out << std::hex << (random() & 0xffffffffffULL);
  return out.str();
}

ShimProcess::ShimProcess(std::vector<std::string> extra_args, bool wait_ready) {
  char pattern[] = "/tmp/cri-shim-itest-XXXXXX";
  REQUIRE(mkdtemp(pattern) != nullptr);
  dir_ = pattern;
  socket_path_ = dir_ + "/run/cri-shim.sock";  // run/ does not exist: the shim makes it
  log_path_ = dir_ + "/cri-shim.log";
  const std::string binary = required_env("CRI_SHIM_BINARY");

  std::vector<std::string> args = {binary, "--listen", "unix://" + socket_path_,
                                   "--docker-endpoint",
                                   env_or("CRI_SHIM_TEST_DOCKER_ENDPOINT",
                                          "unix:///var/run/docker.sock"),
                                   "--log-level", "debug"};
  args.insert(args.end(), extra_args.begin(), extra_args.end());

  pid_ = fork();
  REQUIRE(pid_ >= 0);
  if (pid_ == 0) {
    FILE* log = std::fopen(log_path_.c_str(), "w");
    if (log) {
      dup2(fileno(log), STDERR_FILENO);
      dup2(fileno(log), STDOUT_FILENO);
    }
    std::vector<char*> argv;
    for (auto& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  channel_ = grpc::CreateChannel("unix:" + socket_path_, grpc::InsecureChannelCredentials());
  if (!wait_ready) return;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (!channel_->WaitForConnected(std::chrono::system_clock::now() +
                                     std::chrono::milliseconds(200))) {
    if (!running()) FAIL("cri-shim exited during start-up; its log:\n" << log());
    if (std::chrono::steady_clock::now() > deadline)
      FAIL("cri-shim did not serve within 20 s; its log:\n" << log());
  }
}

ShimProcess::~ShimProcess() {
  if (pid_ > 0 && running()) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

bool ShimProcess::running() {
  if (pid_ <= 0) return false;
  int status = 0;
  pid_t result = waitpid(pid_, &status, WNOHANG);
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

std::unique_ptr<cri::RuntimeService::Stub> ShimProcess::runtime() {
  return cri::RuntimeService::NewStub(channel_);
}

std::unique_ptr<cri::ImageService::Stub> ShimProcess::images() {
  return cri::ImageService::NewStub(channel_);
}

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

}  // namespace itest
