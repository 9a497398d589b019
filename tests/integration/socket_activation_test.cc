// cri-shim under systemd: "--listen fd://" serves the listening socket the
// service manager passed (socket activation, as cri-shim.socket sets it up),
// and READY=1 / STOPPING=1 go to NOTIFY_SOCKET (Type=notify). The test plays
// systemd's part with the same kernel objects: a listening unix socket handed
// over as fd 3 with LISTEN_FDS=1 and LISTEN_PID set to the shim's pid, and a
// datagram socket that receives the notifications.
#include <doctest/doctest.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <future>
#include <string>

#include "tests/integration/harness.h"
#include "tests/support/child_process.h"

using namespace itest;

namespace {

sockaddr_un unix_address(const std::string& path) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  REQUIRE(path.size() < sizeof address.sun_path);
  std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
  return address;
}

// What systemd does for a ListenStream= unit: bind, set the mode, listen.
int listening_socket(const std::string& path) {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  REQUIRE(fd >= 0);
  const auto address = unix_address(path);
  REQUIRE(::bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0);
  REQUIRE(::chmod(path.c_str(), 0660) == 0);
  REQUIRE(::listen(fd, 128) == 0);
  return fd;
}

// NOTIFY_SOCKET's receiving end.
class NotifySocket {
 public:
  explicit NotifySocket(const std::string& path) : path_(path) {
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    REQUIRE(fd_ >= 0);
    const auto address = unix_address(path);
    REQUIRE(::bind(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0);
  }
  ~NotifySocket() { ::close(fd_); }
  const std::string& path() const { return path_; }
  // The next datagram, or "" after `timeout`.
  std::string next(std::chrono::seconds timeout) {
    timeval tv{static_cast<time_t>(timeout.count()), 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    char buffer[4096];
    const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
    return n > 0 ? std::string(buffer, static_cast<std::size_t>(n)) : std::string();
  }

 private:
  std::string path_;
  int fd_ = -1;
};

// cri-shim as systemd starts a socket-activated Type=notify service: the
// socket as fd 3, LISTEN_FDS=1, LISTEN_PID its own pid (a shell sets it and
// execs, keeping the pid), NOTIFY_SOCKET.
void start_activated(support::ChildProcess& process, int listening_fd, const std::string& notify_path,
                     const std::string& root_dir, const std::string& log_path) {
  process.start({"/bin/sh", "-c", "notify=$1; shift; LISTEN_PID=$$ LISTEN_FDS=1 NOTIFY_SOCKET=$notify exec \"$0\" \"$@\"",
                 required_env("CRI_SHIM_BINARY"), notify_path, "--container-runtime-endpoint", "fd://",
                 "--docker-endpoint", required_env("CRI_SHIM_TEST_DOCKER_ENDPOINT"), "--root-dir", root_dir,
                 "--log-level", "debug"},
                log_path, /*append=*/true, listening_fd);
}

// Version through the socket at `path`, with a 30 s deadline.
grpc::Status version_call(const std::string& path, std::string* runtime_name) {
  const auto channel = grpc::CreateChannel("unix:" + path, grpc::InsecureChannelCredentials());
  auto stub = cri::RuntimeService::NewStub(channel);
  cri::VersionRequest request;
  cri::VersionResponse response;
  const auto ctx = context(std::chrono::seconds(30));
  ctx->set_wait_for_ready(true);
  const auto status = stub->Version(ctx.get(), request, &response);
  if (runtime_name) *runtime_name = response.runtime_name();
  return status;
}

}  // namespace

TEST_CASE("--listen fd:// serves systemd's socket; a call made before the shim started is answered; "
          "READY=1 and STOPPING=1 reach NOTIFY_SOCKET; the socket outlives a restart") {
  ScratchDir dir("socket-activation");
  std::filesystem::create_directories(dir.path());
  const std::string socket_path = dir.path() + "/cri-shim.sock";
  const std::string log_path = dir.path() + "/cri-shim.log";
  const int listening_fd = listening_socket(socket_path);
  NotifySocket notify(dir.path() + "/notify.sock");

  // A client that connects before the service runs: the kernel queues the
  // connection on systemd's socket, and the shim serves it once started.
  auto early = std::async(std::launch::async, [&] {
    std::string name;
    const auto status = version_call(socket_path, &name);
    return status.ok() ? name : "error: " + status.error_message();
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));

  support::ChildProcess shim;
  start_activated(shim, listening_fd, notify.path(), dir.path() + "/root", log_path);
  const std::string ready = notify.next(std::chrono::seconds(30));
  INFO("cri-shim log:\n" << support::read_text_file(log_path));
  CHECK(ready.find("READY=1") != std::string::npos);
  CHECK(ready.find("STATUS=serving CRI v1 on fd://") != std::string::npos);
  CHECK(early.get() == "docker");  // runtime_name, as dockershim answered

  // More connections, and a real call.
  std::string name;
  CHECK(version_call(socket_path, &name).ok());
  {
    const auto channel = grpc::CreateChannel("unix:" + socket_path, grpc::InsecureChannelCredentials());
    cri::ListPodSandboxRequest request;
    cri::ListPodSandboxResponse response;
    CHECK(cri::RuntimeService::NewStub(channel)->ListPodSandbox(context().get(), request, &response).ok());
  }

  // SIGTERM: STOPPING=1, a clean exit, and systemd's socket file is left
  // alone (the shim neither made nor owns it).
  const int status = shim.stop(SIGTERM, std::chrono::seconds(30));
  REQUIRE(status != -1);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  CHECK(notify.next(std::chrono::seconds(5)).find("STOPPING=1") != std::string::npos);
  struct stat st{};
  REQUIRE(::stat(socket_path.c_str(), &st) == 0);
  CHECK(S_ISSOCK(st.st_mode));
  CHECK((st.st_mode & 0777) == 0660);

  // While no shim runs, a client's call waits on the socket; the next start
  // (systemd's restart) answers it.
  auto during_restart = std::async(std::launch::async, [&] { return version_call(socket_path, nullptr).ok(); });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  support::ChildProcess restarted;
  start_activated(restarted, listening_fd, notify.path(), dir.path() + "/root", log_path);
  CHECK(notify.next(std::chrono::seconds(30)).find("READY=1") != std::string::npos);
  CHECK(during_restart.get());
  CHECK(restarted.stop(SIGTERM, std::chrono::seconds(30)) == 0);
  ::close(listening_fd);
}

TEST_CASE("--listen fd:// without a passed socket, or with a socket that does not listen, fails clearly") {
  ScratchDir dir("socket-activation-none");
  std::filesystem::create_directories(dir.path());
  const std::string log_path = dir.path() + "/cri-shim.log";
  support::ChildProcess shim;
  shim.start({required_env("CRI_SHIM_BINARY"), "--listen", "fd://", "--docker-endpoint",
              required_env("CRI_SHIM_TEST_DOCKER_ENDPOINT"), "--root-dir", dir.path() + "/root"},
             log_path, false);
  int status = shim.wait(std::chrono::seconds(30));
  REQUIRE(status != -1);
  CHECK(WEXITSTATUS(status) == 1);
  CHECK(support::read_text_file(log_path).find("passed no socket") != std::string::npos);

  // A datagram socket where a stream socket was expected: a unit written
  // for something else.
  const int datagram = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  REQUIRE(datagram >= 0);
  support::ChildProcess wrong;
  wrong.start({"/bin/sh", "-c", "LISTEN_PID=$$ LISTEN_FDS=1 exec \"$0\" \"$@\"", required_env("CRI_SHIM_BINARY"),
               "--listen", "fd://", "--docker-endpoint", required_env("CRI_SHIM_TEST_DOCKER_ENDPOINT"),
               "--root-dir", dir.path() + "/root"},
              log_path, false, datagram);
  status = wrong.wait(std::chrono::seconds(30));
  ::close(datagram);
  REQUIRE(status != -1);
  CHECK(WEXITSTATUS(status) == 1);
  CHECK(support::read_text_file(log_path).find("not a listening stream socket") != std::string::npos);
}
