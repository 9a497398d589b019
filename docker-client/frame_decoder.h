// Demultiplexes Docker's stdout/stderr stream (attach, exec, logs without a
// TTY): each frame is an 8-byte header [stream, 0, 0, 0, size as 4 bytes big
// endian] followed by `size` bytes of payload.
//
// Pure logic, no I/O: feed() bytes as they come off the socket in pieces of
// any size (a header may be split across pieces), then take chunks with
// next(). A chunk is one whole frame's payload, except that a frame larger
// than `max_chunk` is handed out in max_chunk pieces so memory stays bounded.
// Zero-length frames yield nothing.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "docker-client/hijacked_stream.h"

namespace docker {

class FrameDecoder {
 public:
  static constexpr std::size_t kHeaderSize = 8;
  // Longest system error frame (stream 3) read; dockerd's are one error text.
  static constexpr std::uint32_t kMaxSystemErrorSize = 64 * 1024;

  explicit FrameDecoder(std::size_t max_chunk = 1 << 20) : max_chunk_(max_chunk) {}

  void feed(const char* data, std::size_t size) { buffer_.append(data, size); }

  // The next complete chunk, or nullopt when more bytes are needed.
  // Throws DockerError(Protocol) for a stream byte other than 0/1/2, and
  // DockerError(Stream) with the payload for Docker's "system error" frames
  // (stream 3, which dockerd uses to report a failure inside a log stream);
  // a system error frame above kMaxSystemErrorSize is DockerError(Protocol).
  std::optional<OutputChunk> next();

  // True when no partial frame is pending: a stream that ends now ended cleanly.
  bool idle() const { return buffer_.size() == offset_ && remaining_ == 0; }

 private:
  std::size_t max_chunk_;
  std::string buffer_;       // unread bytes start at offset_
  std::size_t offset_ = 0;
  StreamKind stream_ = StreamKind::Stdout;
  std::uint32_t remaining_ = 0;  // payload bytes still to come for the current frame
  bool in_frame_ = false;

  void compact();
};

}  // namespace docker
