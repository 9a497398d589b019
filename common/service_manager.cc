#include "common/service_manager.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

#include <spdlog/spdlog.h>

// The two protocols are systemd's stable, documented interfaces (sd_listen_fds(3),
// sd_notify(3)), spoken here directly: libsystemd would cost every process
// about 0.4 MiB of resident memory for a getenv, a fcntl and a sendto.
namespace common {
namespace {

constexpr int kFirstPassedFd = 3;  // SD_LISTEN_FDS_START

bool is_listening_stream_socket(int fd) {
  int type = 0;
  int listening = 0;
  socklen_t length = sizeof type;
  if (::getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &length) != 0 || type != SOCK_STREAM) return false;
  length = sizeof listening;
  return ::getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &length) == 0 && listening != 0;
}

// A positive decimal number, or -1.
long positive(const char* text) {
  if (text == nullptr || *text == '\0') return -1;
  char* end = nullptr;
  errno = 0;
  const long value = std::strtol(text, &end, 10);
  return errno == 0 && *end == '\0' && value > 0 ? value : -1;
}

// One datagram to NOTIFY_SOCKET ("/path", or "@name" for the abstract namespace).
void notify(const std::string& message) {
  const char* target = std::getenv("NOTIFY_SOCKET");
  if (target == nullptr || *target == '\0') return;
  const std::string path(target);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if ((path[0] != '/' && path[0] != '@') || path.size() >= sizeof address.sun_path) {
    spdlog::warn("NOTIFY_SOCKET={} is not a unix socket address; not telling the service manager", path);
    return;
  }
  std::memcpy(address.sun_path, path.data(), path.size());
  if (path[0] == '@') address.sun_path[0] = '\0';
  const auto length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + path.size());
  const int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0 || ::sendto(fd, message.data(), message.size(), MSG_NOSIGNAL, reinterpret_cast<sockaddr*>(&address),
                         length) < 0)
    spdlog::warn("could not tell the service manager \"{}\": {}", message.substr(0, message.find('\n')),
                 std::strerror(errno));
  if (fd >= 0) ::close(fd);
}

}  // namespace

std::vector<int> take_activation_sockets() {
  const long pid = positive(std::getenv("LISTEN_PID"));
  const long count = positive(std::getenv("LISTEN_FDS"));
  // Taken once, whoever they were for: children never see them.
  ::unsetenv("LISTEN_PID");
  ::unsetenv("LISTEN_FDS");
  ::unsetenv("LISTEN_FDNAMES");
  std::vector<int> fds;
  if (pid != static_cast<long>(::getpid()) || count <= 0) return fds;
  for (int fd = kFirstPassedFd; fd < kFirstPassedFd + count; ++fd) {
    ::fcntl(fd, F_SETFD, FD_CLOEXEC);
    // A stream socket that listens (a datagram socket or a FIFO would be a
    // unit written for another program).
    if (!is_listening_stream_socket(fd))
      throw std::runtime_error("fd " + std::to_string(fd) +
                               " passed by the service manager is not a listening stream socket "
                               "(check ListenStream= in the .socket unit)");
    fds.push_back(fd);
  }
  return fds;
}

void notify_ready(const std::string& status) { notify("READY=1\nSTATUS=" + status); }

void notify_stopping() { notify("STOPPING=1"); }

}  // namespace common
