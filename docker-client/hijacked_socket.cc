#include "docker-client/hijacked_socket.h"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "docker-client/error.h"
#include "docker-client/io_wait.h"

namespace docker::detail {

namespace {
constexpr std::size_t kBufSize = 64 * 1024;
}

HijackedSocket::HijackedSocket(int fd, std::string leftover, bool raw)
    : fd_(fd), raw_(raw), leftover_(std::move(leftover)), buf_(new char[kBufSize]) {}

HijackedSocket::~HijackedSocket() { ::close(fd_); }

std::optional<OutputChunk> HijackedSocket::read(const CallOptions& options) {
  for (;;) {
    if (!raw_) {
      if (auto chunk = decoder_.next()) return chunk;
    }
    if (eof_) {
      if (!raw_ && !decoder_.idle() && !closed_)
        throw DockerError(DockerError::Kind::Protocol, 0,
                          "stream from dockerd ended in the middle of a frame");
      return std::nullopt;
    }
    if (!leftover_.empty()) {
      std::string data = std::move(leftover_);
      leftover_.clear();
      if (raw_) return OutputChunk{StreamKind::Stdout, std::move(data)};
      decoder_.feed(data.data(), data.size());
      continue;
    }
    if (closed_) {
      eof_ = true;
      continue;
    }
    if (auto w = wait_fd(fd_, POLLIN, options); w != WaitResult::Ready) {
      close();
      if (w == WaitResult::Deadline)
        throw DockerError(DockerError::Kind::DeadlineExceeded, 0,
                          "deadline exceeded reading the stream from dockerd");
      throw DockerError(DockerError::Kind::Cancelled, 0, "stream read cancelled");
    }
    ssize_t n = ::recv(fd_, buf_.get(), kBufSize, 0);
    if (n == 0) {
      eof_ = true;
      continue;
    }
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK) continue;
      if (closed_) {
        eof_ = true;
        continue;
      }
      throw DockerError(DockerError::Kind::Unavailable, 0,
                        std::string("reading the stream from dockerd failed: ") +
                            std::strerror(errno));
    }
    if (raw_) return OutputChunk{StreamKind::Stdout, std::string(buf_.get(), std::size_t(n))};
    decoder_.feed(buf_.get(), std::size_t(n));
  }
}

void HijackedSocket::write_stdin(const char* data, std::size_t size) {
  // stdin has no deadline of its own: a process that doesn't read its input
  // blocks the writer until close() (which makes the wait return and send fail).
  const CallOptions no_limit{CallOptions::Clock::time_point::max(), [this] { return closed_.load(); }};
  while (size > 0) {
    ssize_t n = ::send(fd_, data, size, MSG_NOSIGNAL);
    if (n > 0) {
      data += n;
      size -= std::size_t(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      if (wait_fd(fd_, POLLOUT, no_limit) == WaitResult::Ready) continue;
      errno = EPIPE;
    }
    throw DockerError(DockerError::Kind::Unavailable, 0,
                      std::string("writing stdin to dockerd failed: ") +
                          (closed_ ? "stream closed" : std::strerror(errno)));
  }
}

void HijackedSocket::close_stdin() {
  // Half-close: dockerd sees EOF and closes the process's stdin; output keeps flowing.
  ::shutdown(fd_, SHUT_WR);
}

void HijackedSocket::close() {
  closed_ = true;
  ::shutdown(fd_, SHUT_RDWR);
}

}  // namespace docker::detail
