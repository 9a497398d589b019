#include "shim/streaming/netns_dial.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sched.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

namespace shim::streaming {

UniqueFd::~UniqueFd() {
  if (fd_ >= 0) ::close(fd_);
}

UniqueFd& UniqueFd::operator=(UniqueFd&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = other.release();
  }
  return *this;
}

UniqueFd open_network_namespace(int pid) {
  if (pid <= 0) throw DialError("the pod sandbox has no process (pid " + std::to_string(pid) + ")");
  const std::string path = "/proc/" + std::to_string(pid) + "/ns/net";
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw DialError("cannot open " + path + ": " + std::strerror(errno));
  return UniqueFd(fd);
}

namespace {

constexpr int kConnectTimeoutSeconds = 10;

// One attempt; returns the socket or sets `error`.
UniqueFd connect_to(const sockaddr* address, socklen_t length, int family, std::string& error) {
  UniqueFd fd(::socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd) {
    error = std::string("socket: ") + std::strerror(errno);
    return {};
  }
  // SO_SNDTIMEO bounds a blocking connect on Linux (a firewall that drops
  // SYNs would otherwise hold the connection for minutes); reset afterwards
  // so that data writes are not cut short.
  timeval limit{kConnectTimeoutSeconds, 0};
  ::setsockopt(fd.get(), SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof limit);
  int rc;
  do rc = ::connect(fd.get(), address, length);
  while (rc < 0 && errno == EINTR);
  if (rc < 0) {
    error = errno == EINPROGRESS || errno == EAGAIN ? "connection timed out" : std::strerror(errno);
    return {};
  }
  timeval none{0, 0};
  ::setsockopt(fd.get(), SOL_SOCKET, SO_SNDTIMEO, &none, sizeof none);
  int one = 1;
  ::setsockopt(fd.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

UniqueFd connect_localhost(std::uint16_t port, std::string& error) {
  sockaddr_in v4{};
  v4.sin_family = AF_INET;
  v4.sin_port = htons(port);
  v4.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string v4_error;
  if (auto fd = connect_to(reinterpret_cast<sockaddr*>(&v4), sizeof v4, AF_INET, v4_error)) return fd;
  sockaddr_in6 v6{};
  v6.sin6_family = AF_INET6;
  v6.sin6_port = htons(port);
  v6.sin6_addr = in6addr_loopback;
  std::string v6_error;
  if (auto fd = connect_to(reinterpret_cast<sockaddr*>(&v6), sizeof v6, AF_INET6, v6_error)) return fd;
  error = "IPv4: " + v4_error + "; IPv6: " + v6_error;
  return {};
}

}  // namespace

UniqueFd dial_localhost(int netns, std::uint16_t port) {
  const std::string where = "failed to connect to localhost:" + std::to_string(port) +
                            (netns >= 0 ? " inside the pod's network namespace" : " in the host network");
  std::string error;
  UniqueFd fd;
  if (netns < 0) {
    fd = connect_localhost(port, error);
  } else {
    // The only thread that ever enters the pod's namespace: it ends here.
    std::thread dialer([&] {
      if (::setns(netns, CLONE_NEWNET) != 0) {
        error = std::string("cannot enter the network namespace: ") + std::strerror(errno);
        return;
      }
      fd = connect_localhost(port, error);
    });
    dialer.join();
  }
  if (!fd) throw DialError(where + ": " + error);
  return fd;
}

}  // namespace shim::streaming
