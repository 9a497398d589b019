// Docker's multiplexed stdout/stderr stream (attach, exec, logs without a
// TTY), as FrameDecoder reads it off the socket. The first input byte picks
// the chunk limit and how the bytes are cut into reads; the decoder must
// hand out the same payload bytes however they arrive, and fail only with
// DockerError (its documented error path).
#include <cstdint>
#include <cstdlib>
#include <string>

#include "docker-client/error.h"
#include "docker-client/frame_decoder.h"
#include "tests/fuzz/fuzz_input.h"

namespace {

// Every payload byte in order, or the error that ended the stream.
std::string decode(std::string_view bytes, std::size_t max_chunk, std::uint8_t cut) {
  docker::FrameDecoder decoder(max_chunk);
  std::string out;
  try {
    fuzz::feed_in_pieces(bytes, cut, [&](std::string_view piece) {
      decoder.feed(piece.data(), piece.size());
      while (auto chunk = decoder.next()) {
        if (chunk->data.empty() || chunk->data.size() > max_chunk) std::abort();
        out += static_cast<char>('0' + static_cast<int>(chunk->stream));
        out += chunk->data;
      }
    });
  } catch (const docker::DockerError& e) {
    out += "error:" + e.message();
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::FuzzInput input(data, size);
  const std::size_t max_chunk = 1 + input.byte() % 32;
  const std::uint8_t cut = input.byte();
  // Chunks are cut at max_chunk, so compare per stream byte-for-byte only
  // when both runs use the same limit: the cut of the reads must not matter.
  if (decode(input.rest(), max_chunk, cut) != decode(input.rest(), max_chunk, 0)) std::abort();
  return 0;
}
