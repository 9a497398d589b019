// The resize stream of exec/attach (SPDY stream or WebSocket channel 4):
// JSON objects back to back, split across reads in any way, read by
// TerminalSizeDecoder (MalformedResize is its documented failure, after
// which it refuses every feed). The sizes must not depend on how the bytes
// were cut.
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "shim/streaming/terminal_size.h"
#include "tests/fuzz/fuzz_input.h"

namespace {

using shim::streaming::MalformedResize;
using shim::streaming::TerminalSize;
using shim::streaming::TerminalSizeDecoder;

// The sizes decoded before the stream ended or failed, and whether it failed.
std::pair<std::vector<TerminalSize>, bool> decode(std::string_view bytes, std::uint8_t cut) {
  TerminalSizeDecoder decoder;
  std::vector<TerminalSize> sizes;
  try {
    fuzz::feed_in_pieces(bytes, cut, [&](std::string_view piece) {
      for (const auto& s : decoder.feed(piece)) sizes.push_back(s);
    });
  } catch (const MalformedResize&) {
    try {
      (void)decoder.feed("{}");
      std::abort();  // a failed decoder must stay failed
    } catch (const MalformedResize&) {
    }
    return {sizes, true};
  }
  return {sizes, false};
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::FuzzInput input(data, size);
  const std::uint8_t cut = input.byte();
  const auto whole = decode(input.rest(), 0);
  const auto pieces = decode(input.rest(), cut);
  if (whole.second != pieces.second) std::abort();
  if (!whole.second && whole.first != pieces.first) std::abort();
  return 0;
}
