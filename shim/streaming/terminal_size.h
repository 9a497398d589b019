// Terminal size changes as clients send them on the resize stream: a
// sequence of JSON objects {"Width":w,"Height":h} (client-go's
// TerminalSize), back to back or split across reads in any way.
//
// Like kubelet (a json.Decoder over the stream): keys match without regard
// to case, unknown keys are ignored, a missing key is 0. A value that is not
// an object, a width/height outside 0..65535 or broken JSON is an error;
// kubelet then stops reading resizes for the session, and so does the
// caller. Not thread-safe: one decoder per resize stream.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace shim::streaming {

struct TerminalSize {
  std::uint16_t width = 0;
  std::uint16_t height = 0;
  bool operator==(const TerminalSize&) const = default;
};

class MalformedResize : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class TerminalSizeDecoder {
 public:
  // Bytes held for one unfinished object, at most: a resize message is a
  // few dozen bytes, so more is a client that never closes its object.
  static constexpr std::size_t kMaxPendingBytes = 4096;

  // Adds bytes; returns the sizes completed by them, in order. Throws
  // MalformedResize (then the decoder is unusable).
  std::vector<TerminalSize> feed(std::string_view bytes);

 private:
  std::string pending_;  // bytes of the object being read
  int depth_ = 0;        // nesting of {} and [] inside it
  bool in_string_ = false;
  bool escaped_ = false;
  bool failed_ = false;
};

// Kubelet's runtimes skip sizes with a zero side (a client that could not
// read its terminal size yet); Docker would reject them anyway.
inline bool applicable(const TerminalSize& size) { return size.width > 0 && size.height > 0; }

}  // namespace shim::streaming
