// SPDY/3 header blocks: the name/value block (decode_name_value_block,
// HeaderBlockError its failure) and the session's zlib stream around it
// (HeaderDecompressor, CompressionError when the stream is broken, with the
// SPDY/3 dictionary). The first input byte picks the mode:
//   0: the bytes are one uncompressed block; a block that decodes must
//      encode back to the same bytes (names are lower case and unique);
//   1: the bytes are a session's compressed blocks, each preceded by a
//      2-byte length, decompressed in order as the session's reader does;
//   2: the bytes are an uncompressed block, compressed by our compressor
//      and inflated by our decompressor: the bytes must come back.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "shim/streaming/spdy/header_block.h"
#include "shim/streaming/spdy/header_compression.h"
#include "tests/fuzz/fuzz_input.h"

namespace spdy = shim::streaming::spdy;

namespace {

void decode_block(std::string_view block) {
  try {
    const auto headers = spdy::decode_name_value_block(block);
    if (spdy::encode_name_value_block(headers) != block) std::abort();
    for (const auto& h : headers) (void)spdy::header_value(headers, h.name);
  } catch (const spdy::HeaderBlockError&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::FuzzInput input(data, size);
  const std::uint8_t mode = input.byte() % 3;
  std::string_view bytes = input.rest();
  if (mode == 0) {
    decode_block(bytes);
  } else if (mode == 1) {
    spdy::HeaderDecompressor decompressor(16 * 1024);
    try {
      while (bytes.size() >= 2) {
        const std::size_t n = (static_cast<std::uint8_t>(bytes[0]) << 8) | static_cast<std::uint8_t>(bytes[1]);
        bytes.remove_prefix(2);
        const auto block = bytes.substr(0, n);
        bytes.remove_prefix(block.size());
        try {
          (void)decompressor.decompress(block);
        } catch (const spdy::HeaderBlockError&) {
          // Only this block is bad; the session goes on.
        }
      }
    } catch (const spdy::CompressionError&) {
    }
  } else {
    spdy::HeaderCompressor compressor;
    spdy::HeaderDecompressor decompressor(bytes.size() + 1);
    const std::string compressed = compressor.compress_raw(bytes);
    if (decompressor.inflate(compressed) != bytes) std::abort();
    decode_block(bytes);
  }
  return 0;
}
