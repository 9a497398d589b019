// Process-wide logging set-up: spdlog to stderr, as text or as one JSON
// object per line (--log-format json) for log collectors.
#pragma once

#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <spdlog/common.h>

namespace common {

// Named subjects of a log line ("pod", "container_id", "rpc", "code", ...).
// In --log-format json each is a field of the line's object, after "msg",
// as kubelet's structured logs and containerd's log fields carry them; the
// text format shows only the message, which names its subjects in words.
using LogFields = std::vector<std::pair<std::string, std::string>>;

// While it lives, every line this thread logs carries `fields` (a CRI call's
// pod and container, set for the call's duration). A scope made inside
// another replaces its fields until it ends. It should end on the thread
// that made it; ended on another, it changes nothing there, and its fields
// stay on its own thread until that thread's next scope.
class LogFieldScope {
 public:
  explicit LogFieldScope(LogFields fields);
  ~LogFieldScope();
  LogFieldScope(const LogFieldScope&) = delete;
  LogFieldScope& operator=(const LogFieldScope&) = delete;

 private:
  LogFields previous_;
  std::thread::id thread_;
};

// Logs `message` with `fields` of its own (besides any scope's).
void log_with_fields(spdlog::level::level_enum level, const LogFields& fields, const std::string& message);

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
