// Process-wide logging set-up: spdlog to stderr, as text or as one JSON
// object per line (--log-format json) for log collectors.
#pragma once

#include <string>

namespace common {

// Throws std::invalid_argument for an unknown level or format. `name` is
// the logger's (cri-shim, node-agent).
void init_logging(const std::string& level, const std::string& format, const std::string& name = "cri-shim");

// Escapes `text` for use inside a JSON string literal (no quotes added).
std::string json_escape(const std::string& text);

}  // namespace common
