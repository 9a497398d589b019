// Helpers shared by the fuzz targets: carving a few control values off the
// front of libFuzzer's input so that one target can drive several modes of
// a parser (which file name, which protocol, how to cut the stream into
// reads) while the rest stays the parser's bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace fuzz {

class FuzzInput {
 public:
  FuzzInput(const std::uint8_t* data, std::size_t size)
      : rest_(reinterpret_cast<const char*>(data), size) {}

  // The next control byte, 0 when the input is used up.
  std::uint8_t byte() {
    if (rest_.empty()) return 0;
    const auto b = static_cast<std::uint8_t>(rest_.front());
    rest_.remove_prefix(1);
    return b;
  }
  std::string_view rest() const { return rest_; }

 private:
  std::string_view rest_;
};

// Cuts `bytes` into pieces whose sizes follow `seed` (1 .. 64 bytes, or the
// whole rest when seed is 0), calling feed(piece) for each: a stream parser
// must give the same result however its socket reads fall.
template <class Feed>
void feed_in_pieces(std::string_view bytes, std::uint8_t seed, Feed&& feed) {
  std::uint32_t state = seed;
  while (!bytes.empty()) {
    std::size_t n = bytes.size();
    if (seed != 0) {
      state = state * 1103515245u + 12345u;
      n = std::min<std::size_t>(bytes.size(), 1 + (state >> 16) % 64);
    }
    feed(bytes.substr(0, n));
    bytes.remove_prefix(n);
  }
}

}  // namespace fuzz
