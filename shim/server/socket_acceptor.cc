#include "shim/server/socket_acceptor.h"

#include <fcntl.h>
#include <grpcpp/server_posix.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <mutex>
#include <cstring>
#include <stdexcept>
#include <string>

#include <spdlog/spdlog.h>

namespace shim {

SocketAcceptor::SocketAcceptor(grpc::Server& server, std::vector<int> listening_fds)
    : SocketAcceptor(std::move(listening_fds), [&server](int fd) { grpc::AddInsecureChannelFromFd(&server, fd); }) {}

SocketAcceptor::SocketAcceptor(std::vector<int> listening_fds, std::function<void(int fd)> on_connection)
    : listening_fds_(std::move(listening_fds)), on_connection_(std::move(on_connection)) {
  wake_fd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (wake_fd_ < 0) throw std::runtime_error(std::string("eventfd: ") + std::strerror(errno));
  // Non-blocking: a connection that is reset between poll and accept must
  // not block the loop (and stop() with it).
  for (const int fd : listening_fds_) ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
  thread_ = std::thread([this] { run(); });
}

SocketAcceptor::~SocketAcceptor() {
  stop();
  ::close(wake_fd_);
}

void SocketAcceptor::stop() {
  if (!stopped_.exchange(true)) {
    const std::uint64_t one = 1;
    [[maybe_unused]] const auto written = ::write(wake_fd_, &one, sizeof one);
  }
  // The first caller joins; a later one (the destructor) finds it joined.
  std::lock_guard lock(join_mutex_);
  if (thread_.joinable()) thread_.join();
}

void SocketAcceptor::run() {
  std::vector<pollfd> polled;
  polled.push_back({wake_fd_, POLLIN, 0});
  for (const int fd : listening_fds_) polled.push_back({fd, POLLIN, 0});
  while (!stopped_) {
    const int ready = ::poll(polled.data(), polled.size(), -1);
    if (ready < 0) {
      if (errno == EINTR) continue;
      spdlog::error("CRI socket: poll failed ({}); no longer accepting connections", std::strerror(errno));
      return;
    }
    if (polled[0].revents != 0 || stopped_) return;
    for (std::size_t i = 1; i < polled.size(); ++i)
      if (polled[i].revents != 0) accept_from(polled[i].fd);
  }
}

void SocketAcceptor::accept_from(int listening_fd) {
  // Everything queued, then back to poll.
  while (!stopped_) {
    const int connection = ::accept4(listening_fd, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
    if (connection >= 0) {
      on_connection_(connection);
      ++accepted_;
      continue;
    }
    switch (errno) {
      case EAGAIN:
        return;
      case EINTR:
      case ECONNABORTED:
        continue;
      case EMFILE:
      case ENFILE:
      case ENOBUFS:
      case ENOMEM:
        // Out of fds or memory: the connection waits in the backlog; try
        // again a little later rather than spin on a readable socket.
        spdlog::warn("CRI socket: cannot accept a connection ({}); retrying", std::strerror(errno));
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        return;
      default:
        spdlog::error("CRI socket: accept failed ({})", std::strerror(errno));
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        return;
    }
  }
}

}  // namespace shim
