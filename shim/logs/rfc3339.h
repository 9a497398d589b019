// RFC 3339 timestamps with nanoseconds, as Go's time.RFC3339Nano writes them.
//
// The CRI log format, kubelet's log reader and Docker's API all use Go's
// RFC3339Nano layout ("2006-01-02T15:04:05.999999999Z07:00"): the fraction has
// its trailing zeros trimmed, and no dot at all when it is zero.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace shim {

// Nanoseconds since 1970-01-01T00:00:00Z, the unit of every CRI timestamp.
using UnixNanos = std::int64_t;

// Formats in UTC with the "Z" suffix: "2026-11-29T01:02:03.12345Z",
// "2026-11-29T01:02:03Z". (containerd formats local time; on nodes in UTC,
// the usual case, the output is the same.)
std::string format_rfc3339_nano(UnixNanos time);

// Appends the same text to `out`, for writers that build a line in place.
void append_rfc3339_nano(UnixNanos time, std::string& out);

// Parses "YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM)" as Go's
// time.Parse(time.RFC3339Nano, ...) does (a fraction of 1 to 9 digits).
// nullopt when malformed, or when outside what UnixNanos holds (1677 to
// 2262): note that Docker's "not set" time, 0001-01-01T00:00:00Z, is such
// a time; callers that read Docker's state map it to 0 themselves.
std::optional<UnixNanos> parse_rfc3339_nano(std::string_view text);

}  // namespace shim
