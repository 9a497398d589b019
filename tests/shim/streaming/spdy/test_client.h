// A minimal SPDY/3.1 client for the session tests, over one end of a
// socketpair: it sends frames built with the codec (own compression
// context) and reads the server's frames with a timeout.
#pragma once

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <map>
#include <vector>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>

#include "shim/streaming/spdy/frames.h"
#include "shim/streaming/spdy/header_compression.h"

namespace spdy_test {

using namespace shim::streaming::spdy;

// A connected pair: server_fd for the Session, the client keeps its end.
inline std::pair<int, int> socket_pair() {
  int fds[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) throw std::runtime_error("socketpair");
  return {fds[0], fds[1]};
}

class TestClient {
 public:
  explicit TestClient(int fd) : fd_(fd) {}
  ~TestClient() {
    if (fd_ >= 0) ::close(fd_);
  }
  TestClient(const TestClient&) = delete;
  TestClient& operator=(const TestClient&) = delete;

  void send_raw(const std::string& bytes) {
    std::size_t off = 0;
    while (off < bytes.size()) {
      ssize_t n = ::send(fd_, bytes.data() + off, bytes.size() - off, MSG_NOSIGNAL);
      if (n <= 0) throw std::runtime_error("test client: send failed");
      off += static_cast<std::size_t>(n);
    }
  }
  void send(const Frame& frame) { send_raw(serialize(frame)); }

  void open(std::uint32_t id, const Headers& headers, std::uint8_t flags = 0) {
    send(SynStreamFrame{id, 0, 0, 0, flags, compressor_.compress(headers)});
  }
  void data(std::uint32_t id, const std::string& bytes, bool fin = false) {
    send(DataFrame{id, static_cast<std::uint8_t>(fin ? kFlagFin : 0), bytes});
  }

  // The next frame from the server; nullopt on timeout or end of stream.
  std::optional<Frame> next(std::chrono::milliseconds timeout = std::chrono::milliseconds(5000)) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      if (auto f = parser_.next()) {
        // Inflated as they arrive: the zlib stream must be read in order.
        if (auto* r = std::get_if<SynReplyFrame>(&*f)) replies_[r->stream_id] = decompressor_.decompress(r->header_block);
        return f;
      }
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return std::nullopt;
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return std::nullopt;
      char buf[65536];
      ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) {
        eof_ = true;
        return std::nullopt;
      }
      parser_.feed(std::string_view(buf, static_cast<std::size_t>(n)));
    }
  }

  // The next frame of type T, skipping others (WINDOW_UPDATEs, ...).
  template <typename T>
  std::optional<T> next_of(std::chrono::milliseconds timeout = std::chrono::milliseconds(5000)) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return std::nullopt;
      std::optional<Frame> f = next(left);
      if (!f) return std::nullopt;
      if (auto* t = std::get_if<T>(&*f)) return *t;
      skipped_.push_back(std::move(*f));
    }
  }

  // The headers of the SYN_REPLY for stream `id` (empty until it came).
  Headers reply_headers(std::uint32_t id) { return replies_[id]; }
  HeaderCompressor& compressor() { return compressor_; }
  bool eof() const { return eof_; }
  const std::vector<Frame>& skipped() const { return skipped_; }
  int fd() const { return fd_; }

 private:
  int fd_;
  HeaderCompressor compressor_;
  HeaderDecompressor decompressor_;
  FrameParser parser_{ParserLimits{kMaxFrameLength}};
  bool eof_ = false;
  std::vector<Frame> skipped_;
  std::map<std::uint32_t, Headers> replies_;
};

}  // namespace spdy_test
