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
  process_.start(std::move(args), log_path_, false);
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
  if (process_.running()) process_.stop(SIGKILL, std::chrono::seconds(10));
  // CRI_SHIM_TEST_KEEP_LOGS=1 keeps the shim's log (and state) for a
  // post-mortem of a failure that only shows now and then.
  if (const char* keep = std::getenv("CRI_SHIM_TEST_KEEP_LOGS"); keep && std::string(keep) == "1") {
    std::fprintf(stderr, "cri-shim log kept: %s\n", log_path_.c_str());
    return;
  }
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

bool ShimProcess::running() { return process_.running(); }

int ShimProcess::stop(int signal, std::chrono::seconds timeout) { return process_.stop(signal, timeout); }

std::string ShimProcess::log() const { return read_text_file(log_path_); }

std::unique_ptr<cri::RuntimeService::Stub> ShimProcess::runtime() const {
  return cri::RuntimeService::NewStub(channel_);
}

std::unique_ptr<cri::ImageService::Stub> ShimProcess::images() const {
  return cri::ImageService::NewStub(channel_);
}

long ShimProcess::rss_kib() const { return process_.rss_kib(); }

}  // namespace support
