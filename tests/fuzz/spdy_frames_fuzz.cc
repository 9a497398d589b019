// SPDY/3.1 frames as the streaming server's session reads them:
// FrameParser fed in socket-sized pieces. FrameError is its documented
// failure (the session answers GOAWAY); anything else is a finding. Every
// frame it returns must serialize (serialize never builds a frame the
// parser rejects, and the parser never accepts one serialize cannot build)
// and parse back to itself.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "shim/streaming/spdy/frames.h"
#include "tests/fuzz/fuzz_input.h"

namespace spdy = shim::streaming::spdy;

namespace {

void check_round_trip(const spdy::Frame& frame) {
  const std::string bytes = spdy::serialize(frame);
  spdy::FrameParser again;
  again.feed(bytes);
  const auto back = again.next();
  if (!back || !(*back == frame) || again.buffered() != 0) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::FuzzInput input(data, size);
  const std::uint8_t cut = input.byte();
  // A small control-frame limit too, so the limit's own check is reached.
  spdy::ParserLimits limits;
  if (cut & 1) limits.max_control_frame = 64;
  spdy::FrameParser parser(limits);
  try {
    fuzz::feed_in_pieces(input.rest(), cut, [&](std::string_view piece) {
      parser.feed(piece);
      while (auto frame = parser.next()) check_round_trip(*frame);
    });
  } catch (const spdy::FrameError&) {
    // Broken for good: every later call fails too.
    try {
      (void)parser.next();
      std::abort();
    } catch (const spdy::FrameError&) {
    }
  }
  return 0;
}
