// Well-formed UTF-8: what a JSON string can carry (nlohmann's dump() throws
// on anything else) and what Kubernetes objects hold (the API server and
// kubelet's YAML reader refuse anything else). RFC 3629: no overlong forms,
// no surrogates, nothing above U+10FFFF.
#pragma once

#include <cstddef>
#include <string_view>

namespace common {

// The length of the well-formed sequence starting at text[i] that encodes a
// code point of 0x80 or more, 0 when none does (an ASCII byte included).
std::size_t utf8_sequence_length(std::string_view text, std::size_t i);

bool is_utf8(std::string_view text);

}  // namespace common
