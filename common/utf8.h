// Whether bytes are well-formed UTF-8: what a JSON string can carry
// (nlohmann's dump() throws on anything else) and what Kubernetes objects
// hold (the API server and kubelet's YAML reader refuse anything else).
#pragma once

#include <string_view>

namespace common {

// No overlong forms, no surrogates, at most U+10FFFF.
bool is_utf8(std::string_view text);

}  // namespace common
