// Base64 (RFC 4648), the one codec of both binaries: Docker's
// X-Registry-Auth (the URL alphabet, padded, as Go's base64.URLEncoding),
// the streaming server's tokens (URL alphabet, unpadded) and the WebSocket
// base64 channel protocols (standard alphabet, padded, decoded strictly).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace common {

enum class Base64Alphabet {
  kStandard,  // "+/"
  kUrl,       // "-_"
};

std::string base64_encode(std::string_view data, Base64Alphabet alphabet = Base64Alphabet::kStandard,
                          bool padded = true);

// Either alphabet, padded or not (any run of trailing '=' is padding, as
// users write registry credentials by hand); nullopt for anything else (a
// character outside both alphabets, '=' inside the text, a length no
// encoding gives).
std::optional<std::string> base64_decode(std::string_view text);

// Go's base64.StdEncoding: the standard alphabet only, padded to a
// multiple of 4; nullopt for anything else.
std::optional<std::string> base64_decode_standard(std::string_view text);

}  // namespace common
