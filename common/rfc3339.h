// RFC 3339 times <-> unix nanoseconds, as Docker and the Kubernetes API
// write them.
//
// dockerd writes times as Go's RFC3339Nano: "2026-11-29T01:15:41.551099732Z",
// sometimes with an offset ("+00:00", "-07:00") and fewer fraction digits.
// An unset time is Go's zero time "0001-01-01T00:00:00Z"; CRI wants 0 for it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace common {

// Unix nanoseconds; 0 for "" and for Go's zero time. nullopt when malformed.
std::optional<std::int64_t> try_parse_rfc3339_nanos(std::string_view text);

// As above but throws std::invalid_argument when malformed.
std::int64_t parse_rfc3339_nanos(std::string_view text);

// RFC3339Nano in UTC as Go prints it: trailing zeros of the fraction dropped,
// no fraction at all for whole seconds ("2026-11-29T01:15:41.5510997Z").
std::string format_rfc3339_nanos(std::int64_t unix_nanos);

}  // namespace common
