// The socket as Beast sees it: a SyncReadStream/SyncWriteStream over a
// non-blocking fd that waits with poll() in ~100 ms slices (io_wait.h) and
// gives up when the current call's deadline passes or it is cancelled.
//
// An abort is reported to Beast as an error code and remembered in
// aborted(), so the transport can throw DeadlineExceeded/Cancelled (and not
// Unavailable) and close the connection.
#pragma once

#include <sys/uio.h>

#include <cstdint>

#include <boost/asio/buffer.hpp>
#include <boost/system/error_code.hpp>
#include <boost/system/system_error.hpp>

#include "docker-client/call_options.h"
#include "docker-client/io_wait.h"

namespace docker::detail {

class PollingStream {
 public:
  explicit PollingStream(int fd) : fd_(fd) {}

  // The options that govern the call now using this stream; must outlive it.
  void arm(const CallOptions& options) {
    options_ = &options;
    aborted_ = WaitResult::Ready;
  }
  // Ready when no abort happened, else why the last read/write gave up.
  WaitResult aborted() const { return aborted_; }
  // Bytes received over the stream's life (detects "failed before any reply byte").
  std::uint64_t bytes_read() const { return bytes_read_; }
  int fd() const { return fd_; }
  // Non-blocking reads: a read that would wait fails at once with
  // boost::asio::error::would_block (bodies read from an event loop).
  void set_nonblocking_reads(bool on) { nonblocking_reads_ = on; }

  template <class MutableBufferSequence>
  std::size_t read_some(const MutableBufferSequence& buffers, boost::system::error_code& ec) {
    iovec iov[kMaxIov];
    int n = fill_iov(buffers, iov);
    return readv_some(iov, n, ec);
  }
  template <class MutableBufferSequence>
  std::size_t read_some(const MutableBufferSequence& buffers) {
    boost::system::error_code ec;
    std::size_t n = read_some(buffers, ec);
    if (ec) throw boost::system::system_error(ec);
    return n;
  }
  template <class ConstBufferSequence>
  std::size_t write_some(const ConstBufferSequence& buffers, boost::system::error_code& ec) {
    iovec iov[kMaxIov];
    int n = fill_iov(buffers, iov);
    return writev_some(iov, n, ec);
  }
  template <class ConstBufferSequence>
  std::size_t write_some(const ConstBufferSequence& buffers) {
    boost::system::error_code ec;
    std::size_t n = write_some(buffers, ec);
    if (ec) throw boost::system::system_error(ec);
    return n;
  }

 private:
  static constexpr int kMaxIov = 16;

  template <class Buffers>
  static int fill_iov(const Buffers& buffers, iovec* iov) {
    int n = 0;
    for (auto it = boost::asio::buffer_sequence_begin(buffers);
         it != boost::asio::buffer_sequence_end(buffers) && n < kMaxIov; ++it) {
      auto b = boost::asio::buffer(*it);
      if (b.size() == 0) continue;
      iov[n].iov_base = const_cast<void*>(static_cast<const void*>(b.data()));
      iov[n].iov_len = b.size();
      ++n;
    }
    return n;
  }

  std::size_t readv_some(iovec* iov, int n, boost::system::error_code& ec);
  std::size_t writev_some(const iovec* iov, int n, boost::system::error_code& ec);
  void abort(WaitResult why, boost::system::error_code& ec);

  int fd_;
  const CallOptions* options_ = nullptr;
  WaitResult aborted_ = WaitResult::Ready;
  std::uint64_t bytes_read_ = 0;
  bool nonblocking_reads_ = false;
};

}  // namespace docker::detail
