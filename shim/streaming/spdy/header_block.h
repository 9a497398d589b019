// SPDY/3 name/value header blocks (draft-mbelshe-httpbis-spdy-00 §2.6.10),
// uncompressed: a 32-bit count, then per header a 32-bit name length, the
// name, a 32-bit value length, the value. Names are lower case, non-empty
// and unique; a value holds one or more values separated by single NULs
// (or is empty). header_compression.h puts zlib around these bytes.
//
// Threads: pure functions.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace shim::streaming::spdy {

struct Header {
  std::string name;   // lower case
  std::string value;  // NUL-separated when the header has several values
  bool operator==(const Header&) const = default;
};
using Headers = std::vector<Header>;

// The first value of header `name` (names compare in lower case), as Go's
// http.Header.Get answers it; nullopt when absent.
std::optional<std::string> header_value(const Headers& headers, std::string_view name);

// A header block that breaks the rules above. The block decompressed fine,
// so the session continues: the stream gets RST_STREAM(PROTOCOL_ERROR).
class HeaderBlockError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Lower-cases names. Throws std::invalid_argument for an empty name, a
// name given twice, or a value with empty NUL-separated parts.
std::string encode_name_value_block(const Headers& headers);

// Throws HeaderBlockError naming the rule broken (truncated, trailing
// bytes, empty, upper-case or duplicate name, bad NULs in a value).
Headers decode_name_value_block(std::string_view block);

}  // namespace shim::streaming::spdy
