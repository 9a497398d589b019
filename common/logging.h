// Process-wide logging set-up: spdlog to stderr, as text or as one JSON
// object per line (--log-format json) for log collectors.
#pragma once

#include <string>

namespace common {

// Throws std::invalid_argument for an unknown level or format. `name` is
// the logger's (cri-shim, node-agent).
void init_logging(const std::string& level, const std::string& format, const std::string& name = "cri-shim");

// Escapes `text` for use inside a JSON string literal (no quotes added).
// The result is always valid UTF-8 JSON: each byte of `text` that is not
// part of a well-formed UTF-8 sequence (a stray continuation byte, a
// truncated or overlong sequence, a surrogate, a code point above U+10FFFF)
// becomes U+FFFD, as Go's encoding/json writes it, so a container name or
// an error message holding arbitrary bytes cannot break a log line.
std::string json_escape(const std::string& text);

}  // namespace common
