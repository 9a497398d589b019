#include "docker-client/connection.h"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "docker-client/error.h"
#include "docker-client/io_wait.h"

namespace docker::detail {

Connection::~Connection() {
  if (fd_ >= 0) ::close(fd_);
}

int Connection::release() {
  int fd = fd_;
  fd_ = -1;
  return fd;
}

bool Connection::idle_and_alive() const {
  if (buffer_.size() != 0) return false;
  pollfd p{fd_, POLLIN, 0};
  // Readable while idle means EOF/RST (or stray bytes): either way unusable.
  return ::poll(&p, 1, 0) == 0;
}

namespace {

[[noreturn]] void cannot_connect(const Endpoint& ep, const std::string& why) {
  throw DockerError(DockerError::Kind::Unavailable, 0,
                    "cannot connect to dockerd at " + ep.to_string() + ": " + why);
}

[[noreturn]] void aborted_connect(const Endpoint& ep, WaitResult w) {
  if (w == WaitResult::Deadline)
    throw DockerError(DockerError::Kind::DeadlineExceeded, 0,
                      "deadline exceeded while connecting to dockerd at " + ep.to_string());
  throw DockerError(DockerError::Kind::Cancelled, 0,
                    "cancelled while connecting to dockerd at " + ep.to_string());
}

// Finishes a non-blocking connect() that returned EINPROGRESS/EAGAIN.
int finish_connect(int fd, const Endpoint& ep, const CallOptions& options) {
  if (auto w = wait_fd(fd, POLLOUT, options); w != WaitResult::Ready) {
    ::close(fd);
    aborted_connect(ep, w);
  }
  int err = 0;
  socklen_t len = sizeof err;
  ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
  return err;
}

int connect_unix(const Endpoint& ep, const CallOptions& options) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (ep.path.size() >= sizeof addr.sun_path) cannot_connect(ep, "socket path too long");
  std::memcpy(addr.sun_path, ep.path.data(), ep.path.size());
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) cannot_connect(ep, std::strerror(errno));
  int err = 0;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    err = errno;
    // EAGAIN: dockerd's listen backlog is full; wait like a pending tcp connect.
    if (err == EAGAIN || err == EINPROGRESS) err = finish_connect(fd, ep, options);
  }
  if (err != 0) {
    ::close(fd);
    cannot_connect(ep, std::strerror(err));
  }
  return fd;
}

int connect_tcp(const Endpoint& ep, const CallOptions& options) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  if (int rc = ::getaddrinfo(ep.host.c_str(), ep.port.c_str(), &hints, &res); rc != 0)
    cannot_connect(ep, gai_strerror(rc));
  std::string last_error = "no address";
  int fd = -1;
  for (addrinfo* ai = res; ai && fd < 0; ai = ai->ai_next) {
    fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, ai->ai_protocol);
    if (fd < 0) {
      last_error = std::strerror(errno);
      continue;
    }
    int err = 0;
    if (::connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
      err = errno;
      if (err == EINPROGRESS) {
        try {
          err = finish_connect(fd, ep, options);
        } catch (...) {
          ::freeaddrinfo(res);
          throw;
        }
      }
    }
    if (err != 0) {
      last_error = std::strerror(err);
      ::close(fd);
      fd = -1;
    }
  }
  ::freeaddrinfo(res);
  if (fd < 0) cannot_connect(ep, last_error);
  // Requests are written whole in one go; never let Nagle hold back the tail.
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

}  // namespace

std::unique_ptr<Connection> connect_to(const Endpoint& endpoint, const CallOptions& options) {
  int fd = endpoint.kind == Endpoint::Kind::Unix ? connect_unix(endpoint, options)
                                                 : connect_tcp(endpoint, options);
  return std::make_unique<Connection>(fd);
}

std::unique_ptr<Connection> ConnectionPool::take_idle() {
  std::lock_guard lock(mu_);
  while (!idle_.empty()) {
    std::unique_ptr<Connection> c = std::move(idle_.back());
    idle_.pop_back();
    if (c->idle_and_alive()) return c;
    // Stale (dockerd closed it while idle): dropped, closes on scope exit.
  }
  return nullptr;
}

std::unique_ptr<Connection> ConnectionPool::open(const CallOptions& options) {
  auto c = connect_to(endpoint_, options);
  std::lock_guard lock(mu_);
  ++opened_;
  return c;
}

void ConnectionPool::give_back(std::unique_ptr<Connection> c) {
  std::lock_guard lock(mu_);
  if (idle_.size() < max_idle_) idle_.push_back(std::move(c));
}

std::uint64_t ConnectionPool::opened() const {
  std::lock_guard lock(mu_);
  return opened_;
}

}  // namespace docker::detail
