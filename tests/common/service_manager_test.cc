// common/service_manager against the kernel objects systemd uses: a datagram
// socket for NOTIFY_SOCKET, a listening socket as fd 3 for LISTEN_FDS.
#include "common/service_manager.h"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>

namespace {

int bound_socket(int type, const std::string& path) {
  const int fd = ::socket(AF_UNIX, type | SOCK_CLOEXEC, 0);
  REQUIRE(fd >= 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::strncpy(address.sun_path, path.c_str(), sizeof address.sun_path - 1);
  ::unlink(path.c_str());
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
  return fd;
}

}  // namespace

TEST_CASE("notify_ready and notify_stopping reach NOTIFY_SOCKET; nothing happens without it") {
  const std::string path = "/tmp/cri-shim-notify-test-" + std::to_string(::getpid());
  const int receiver = bound_socket(SOCK_DGRAM, path);
  ::setenv("NOTIFY_SOCKET", path.c_str(), 1);
  common::notify_ready("serving on test");
  common::notify_stopping();
  ::unsetenv("NOTIFY_SOCKET");
  common::notify_ready("nobody hears this");  // no socket: a no-op, no error

  char buffer[512];
  const ssize_t first = ::recv(receiver, buffer, sizeof buffer, MSG_DONTWAIT);
  REQUIRE(first > 0);
  CHECK(std::string(buffer, static_cast<std::size_t>(first)) == "READY=1\nSTATUS=serving on test");
  const ssize_t second = ::recv(receiver, buffer, sizeof buffer, MSG_DONTWAIT);
  REQUIRE(second > 0);
  CHECK(std::string(buffer, static_cast<std::size_t>(second)) == "STOPPING=1");
  CHECK(::recv(receiver, buffer, sizeof buffer, MSG_DONTWAIT) < 0);
  ::close(receiver);
  ::unlink(path.c_str());
}

TEST_CASE("take_activation_sockets: none without LISTEN_FDS or for another pid; fd 3 when passed, once") {
  ::unsetenv("LISTEN_FDS");
  ::unsetenv("LISTEN_PID");
  CHECK(common::take_activation_sockets().empty());
  ::setenv("LISTEN_FDS", "1", 1);
  ::setenv("LISTEN_PID", std::to_string(::getpid() + 1).c_str(), 1);
  CHECK(common::take_activation_sockets().empty());

  if (::fcntl(3, F_GETFD) != -1) {
    MESSAGE("fd 3 is in use in this test process; the passing part is covered by socket_activation_test");
    return;
  }
  const std::string path = "/tmp/cri-shim-listen-test-" + std::to_string(::getpid());
  const int listening = bound_socket(SOCK_STREAM, path);
  REQUIRE(::listen(listening, 4) == 0);
  REQUIRE(::dup2(listening, 3) == 3);
  ::setenv("LISTEN_FDS", "1", 1);
  ::setenv("LISTEN_PID", std::to_string(::getpid()).c_str(), 1);
  const auto fds = common::take_activation_sockets();
  REQUIRE(fds.size() == 1);
  CHECK(fds[0] == 3);
  CHECK((::fcntl(3, F_GETFD) & FD_CLOEXEC) != 0);  // children do not get it
  CHECK(std::getenv("LISTEN_FDS") == nullptr);     // nor the variables
  CHECK(common::take_activation_sockets().empty());  // taken once

  // A datagram socket where a listening stream socket belongs: refused.
  const int datagram = ::socket(AF_UNIX, SOCK_DGRAM, 0);
  REQUIRE(::dup2(datagram, 3) == 3);
  ::setenv("LISTEN_FDS", "1", 1);
  ::setenv("LISTEN_PID", std::to_string(::getpid()).c_str(), 1);
  CHECK_THROWS_AS(common::take_activation_sockets(), std::runtime_error);
  ::close(3);
  ::close(datagram);
  ::close(listening);
  ::unlink(path.c_str());
  ::unsetenv("LISTEN_FDS");
  ::unsetenv("LISTEN_PID");
}
