#include "docker-client/polling_stream.h"

#include <poll.h>
#include <sys/socket.h>

#include <cerrno>

#include <boost/asio/error.hpp>

namespace docker::detail {

namespace {
const CallOptions kNoLimits;
}

void PollingStream::abort(WaitResult why, boost::system::error_code& ec) {
  aborted_ = why;
  ec = why == WaitResult::Deadline ? boost::asio::error::timed_out
                                   : boost::asio::error::operation_aborted;
}

std::size_t PollingStream::readv_some(iovec* iov, int n, boost::system::error_code& ec) {
  ec = {};
  if (n == 0) return 0;
  const CallOptions& options = options_ ? *options_ : kNoLimits;
  for (;;) {
    // Wait first: the reply to a request just sent is rarely there yet, and
    // poll+read is one syscall cheaper than a read that says EAGAIN.
    if (nonblocking_reads_) {
      // The caller's event loop said the socket is readable (or will ask again).
    } else if (auto w = wait_fd(fd_, POLLIN, options); w != WaitResult::Ready) {
      abort(w, ec);
      return 0;
    }
    ssize_t r = ::readv(fd_, iov, n);
    if (r > 0) {
      bytes_read_ += static_cast<std::uint64_t>(r);
      return static_cast<std::size_t>(r);
    }
    if (r == 0) {
      ec = boost::asio::error::eof;
      return 0;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      if (!nonblocking_reads_) continue;
      ec = boost::asio::error::would_block;
      return 0;
    }
    ec = boost::system::error_code(errno, boost::system::system_category());
    return 0;
  }
}

std::size_t PollingStream::writev_some(const iovec* iov, int n, boost::system::error_code& ec) {
  ec = {};
  if (n == 0) return 0;
  const CallOptions& options = options_ ? *options_ : kNoLimits;
  msghdr msg{};
  msg.msg_iov = const_cast<iovec*>(iov);
  msg.msg_iovlen = static_cast<std::size_t>(n);
  for (;;) {
    // Write first: there is almost always room in the socket buffer.
    ssize_t r = ::sendmsg(fd_, &msg, MSG_NOSIGNAL);
    if (r >= 0) return static_cast<std::size_t>(r);
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) {
      ec = boost::system::error_code(errno, boost::system::system_category());
      return 0;
    }
    if (auto w = wait_fd(fd_, POLLOUT, options); w != WaitResult::Ready) {
      abort(w, ec);
      return 0;
    }
  }
}

}  // namespace docker::detail
