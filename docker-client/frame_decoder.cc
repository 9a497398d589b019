#include "docker-client/frame_decoder.h"

#include <algorithm>

#include "docker-client/error.h"

namespace docker {

void FrameDecoder::compact() {
  // Drop consumed bytes only once they dominate, so a stream of small frames
  // costs amortised O(1) per byte instead of a memmove per frame.
  if (offset_ == buffer_.size()) {
    buffer_.clear();
    offset_ = 0;
  } else if (offset_ > 4096 && offset_ * 2 > buffer_.size()) {
    buffer_.erase(0, offset_);
    offset_ = 0;
  }
}

std::optional<OutputChunk> FrameDecoder::next() {
  for (;;) {
    std::size_t avail = buffer_.size() - offset_;
    if (!in_frame_) {
      if (avail < kHeaderSize) {
        compact();
        return std::nullopt;
      }
      const auto* h = reinterpret_cast<const unsigned char*>(buffer_.data() + offset_);
      std::uint32_t size = (std::uint32_t(h[4]) << 24) | (std::uint32_t(h[5]) << 16) |
                           (std::uint32_t(h[6]) << 8) | std::uint32_t(h[7]);
      if (h[0] > 3)
        throw DockerError(DockerError::Kind::Protocol, 0,
                          "malformed multiplexed stream: stream byte " + std::to_string(h[0]));
      offset_ += kHeaderSize;
      avail -= kHeaderSize;
      if (h[0] == 3) {
        // System error frame: wait for it whole, then report it. Its length
        // is the peer's word: a message beyond any error text is refused
        // before it is buffered, not held for up to 4 GiB.
        if (size > kMaxSystemErrorSize)
          throw DockerError(DockerError::Kind::Protocol, 0,
                            "malformed multiplexed stream: system error frame of " + std::to_string(size) +
                                " bytes");
        if (avail < size) {
          offset_ -= kHeaderSize;
          compact();
          return std::nullopt;
        }
        std::string message = buffer_.substr(offset_, size);
        offset_ += size;
        throw DockerError(DockerError::Kind::Stream, 0, message);
      }
      stream_ = static_cast<StreamKind>(h[0]);
      remaining_ = size;
      in_frame_ = true;
    }
    if (remaining_ == 0) {  // zero-length frame, or the end of a large one
      in_frame_ = false;
      continue;
    }
    std::size_t want = std::min<std::size_t>(remaining_, max_chunk_);
    if (avail < want) {
      compact();
      return std::nullopt;
    }
    OutputChunk chunk{stream_, buffer_.substr(offset_, want)};
    offset_ += want;
    remaining_ -= static_cast<std::uint32_t>(want);
    if (remaining_ == 0) in_frame_ = false;
    compact();
    return chunk;
  }
}

}  // namespace docker
