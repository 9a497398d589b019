// The cri-shim process itself: flags, its socket, and clean shutdown.
#include <doctest/doctest.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

#include "shim/server/listener.h"
#include "tests/integration/harness.h"

using namespace itest;

namespace {

std::string run_capture(const std::string& command, int* status) {
  std::string output;
  FILE* pipe = popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  char buffer[4096];
  while (std::size_t n = std::fread(buffer, 1, sizeof buffer, pipe)) output.append(buffer, n);
  *status = pclose(pipe);
  return output;
}

}  // namespace

TEST_CASE("--version and --help print and exit 0; a bad flag exits 2 naming it") {
  const std::string binary = required_env("CRI_SHIM_BINARY");
  int status = 0;
  CHECK(run_capture(binary + " --version", &status).find("cri-shim ") == 0);
  CHECK(WEXITSTATUS(status) == 0);
  CHECK(run_capture(binary + " --help", &status).find("--listen") != std::string::npos);
  CHECK(WEXITSTATUS(status) == 0);
  CHECK(run_capture(binary + " --bogus 2>&1", &status).find("--bogus") != std::string::npos);
  CHECK(WEXITSTATUS(status) == 2);
}

TEST_CASE("the socket is made with mode 0660 in a new directory and removed on SIGTERM") {
  ShimProcess shim;
  struct stat st{};
  REQUIRE(stat(shim.socket_path().c_str(), &st) == 0);
  CHECK(S_ISSOCK(st.st_mode));
  CHECK((st.st_mode & 0777) == 0660);

  const int status = shim.stop(SIGTERM);
  REQUIRE(status != -1);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  CHECK_FALSE(std::filesystem::exists(shim.socket_path()));
}

TEST_CASE("--socket-group gives the socket to a group, by name or GID; no such group is a usage error") {
  // Debian's base system has group daemon, GID 1.
  const gid_t daemon_gid = shim::resolve_group("daemon");
  for (const std::string& group : {std::string("daemon"), std::to_string(daemon_gid)}) {
    ShimProcess shim({"--socket-group", group});
    struct stat st{};
    REQUIRE(stat(shim.socket_path().c_str(), &st) == 0);
    CHECK(st.st_uid == 0);
    CHECK(st.st_gid == daemon_gid);
    CHECK((st.st_mode & 0777) == 0660);
  }
  int status = 0;
  const std::string out =
      run_capture(required_env("CRI_SHIM_BINARY") + " --socket-group no-such-group-here 2>&1", &status);
  CHECK(out.find("no group named \"no-such-group-here\"") != std::string::npos);
  CHECK(WEXITSTATUS(status) == 2);
  CHECK_THROWS_AS(shim::resolve_group(""), std::invalid_argument);
}

TEST_CASE("SIGINT stops it cleanly too") {
  ShimProcess shim;
  const int status = shim.stop(SIGINT);
  REQUIRE(status != -1);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
}

TEST_CASE("a stale socket file is replaced; a live server's socket is not stolen") {
  ShimProcess first;
  // A second server on the same socket must refuse and leave the first serving.
  const std::string binary = required_env("CRI_SHIM_BINARY");
  int status = 0;
  auto output = run_capture(binary + " --listen unix://" + first.socket_path() + " 2>&1", &status);
  CHECK(WEXITSTATUS(status) != 0);
  CHECK(output.find("already listening") != std::string::npos);
  cri::VersionResponse version;
  CHECK(first.runtime()->Version(context().get(), cri::VersionRequest(), &version).ok());

  // After kill -9 the socket file stays behind; the next start must reuse it.
  const std::string path = first.socket_path();
  REQUIRE(first.stop(SIGKILL) != -1);
  REQUIRE(std::filesystem::exists(path));
  const std::string dir = std::filesystem::path(path).parent_path().string();
  const std::string listen = "unix://" + path;  // made before fork: no malloc in the child
  pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    execl(binary.c_str(), binary.c_str(), "--listen", listen.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  // A channel of its own (not sharing the dead server's subchannel), and
  // calls retried until the restarted server answers.
  grpc::ChannelArguments arguments;
  arguments.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  auto channel = grpc::CreateCustomChannel("unix:" + path, grpc::InsecureChannelCredentials(),
                                           arguments);
  auto stub = cri::RuntimeService::NewStub(channel);
  grpc::Status restarted;
  for (int attempt = 0; attempt < 100; ++attempt) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(2));
    ctx.set_wait_for_ready(true);
    restarted = stub->Version(&ctx, cri::VersionRequest(), &version);
    if (restarted.ok()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  CHECK_MESSAGE(restarted.ok(), restarted.error_message());
  kill(child, SIGTERM);
  waitpid(child, &status, 0);
  CHECK(WIFEXITED(status));
}

TEST_CASE("a config file sets the same keys as the flags") {
  char pattern[] = "/tmp/cri-shim-config-XXXXXX";
  REQUIRE(mkdtemp(pattern) != nullptr);
  const std::string dir = pattern;
  const std::string socket = dir + "/from-config.sock";
  std::ofstream(dir + "/config.yaml") << "listen: unix://" << socket << "\nlog-format: json\n";
  ShimProcess shim({"--config", dir + "/config.yaml", "--listen", "unix://" + socket}, false);
  auto channel = grpc::CreateChannel("unix:" + socket, grpc::InsecureChannelCredentials());
  REQUIRE(channel->WaitForConnected(std::chrono::system_clock::now() + std::chrono::seconds(20)));
  // JSON log lines.
  const auto log = shim.log();
  CHECK(log.find("{\"time\":\"") != std::string::npos);
  shim.stop(SIGTERM);
  std::filesystem::remove_all(dir);
}
