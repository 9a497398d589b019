// SPDY/3 header compression: zlib (deflate) primed with the SPDY/3
// dictionary (draft-mbelshe-httpbis-spdy-00 §2.6.10.1). Each direction of a
// session has one context for the session's whole life: every header block
// continues the same zlib stream and ends with a Z_SYNC_FLUSH, so blocks
// must be compressed and decompressed in exactly the order they are sent.
//
// Threads: one object per direction per session, used under the session's
// lock (or by its reader thread alone). Not copyable (owns a z_stream).
#pragma once

#include <cstddef>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

#include "shim/streaming/spdy/header_block.h"

namespace shim::streaming::spdy {

// The 1423-byte SPDY/3 dictionary.
std::string_view spdy3_dictionary();

// The zlib stream of a session is broken (bad deflate data, wrong
// dictionary, a block above the size limit): the session answers
// GOAWAY(PROTOCOL_ERROR), as later blocks cannot be decoded either.
class CompressionError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class HeaderCompressor {
 public:
  HeaderCompressor();
  ~HeaderCompressor();
  HeaderCompressor(const HeaderCompressor&) = delete;
  HeaderCompressor& operator=(const HeaderCompressor&) = delete;

  // The compressed name/value block for a SYN_STREAM/SYN_REPLY/HEADERS.
  // Throws std::invalid_argument for headers the block cannot carry.
  std::string compress(const Headers& headers);
  // Compresses already-encoded name/value bytes (tests use it to send
  // blocks that break the name/value rules).
  std::string compress_raw(std::string_view block);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

class HeaderDecompressor {
 public:
  // A decompressed block above max_block_size bytes is a CompressionError.
  explicit HeaderDecompressor(std::size_t max_block_size = 256 * 1024);
  ~HeaderDecompressor();
  HeaderDecompressor(const HeaderDecompressor&) = delete;
  HeaderDecompressor& operator=(const HeaderDecompressor&) = delete;

  // The name/value bytes of one compressed block; throws CompressionError.
  std::string inflate(std::string_view compressed);
  // inflate() then decode_name_value_block(): throws CompressionError
  // (session broken) or HeaderBlockError (only this block is bad).
  Headers decompress(std::string_view compressed);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace shim::streaming::spdy
