#include <doctest/doctest.h>

#include "shim/logs/rfc3339.h"

using shim::format_rfc3339_nano;
using shim::parse_rfc3339_nano;

namespace {
constexpr shim::UnixNanos kSecond = 1'000'000'000;
constexpr shim::UnixNanos kExample = 1795914123 * kSecond;  // 2026-11-29T01:02:03Z
}  // namespace

TEST_CASE("RFC3339Nano trims the fraction's trailing zeros, like Go") {
  CHECK(format_rfc3339_nano(kExample + 123456789) == "2026-11-29T01:02:03.123456789Z");
  CHECK(format_rfc3339_nano(kExample + 123450000) == "2026-11-29T01:02:03.12345Z");
  CHECK(format_rfc3339_nano(kExample + 100000000) == "2026-11-29T01:02:03.1Z");
  CHECK(format_rfc3339_nano(kExample + 1) == "2026-11-29T01:02:03.000000001Z");
  CHECK(format_rfc3339_nano(kExample) == "2026-11-29T01:02:03Z");  // no dot at all
}

TEST_CASE("dates around the epoch, leap days and the ends of the range") {
  CHECK(format_rfc3339_nano(0) == "1970-01-01T00:00:00Z");
  CHECK(format_rfc3339_nano(-1) == "1969-12-31T23:59:59.999999999Z");
  CHECK(format_rfc3339_nano(951825600 * kSecond) == "2000-02-29T12:00:00Z");
  CHECK(format_rfc3339_nano(INT64_MAX) == "2262-04-11T23:47:16.854775807Z");
  CHECK(format_rfc3339_nano(INT64_MIN + 1) == "1677-09-21T00:12:43.145224193Z");
}

TEST_CASE("parsing reads back what formatting writes") {
  for (shim::UnixNanos t : {kExample + 123456789, kExample + 120000000, kExample, shim::UnixNanos{0},
                            shim::UnixNanos{-1}, INT64_MAX, INT64_MIN + kSecond}) {
    CAPTURE(t);
    CHECK(parse_rfc3339_nano(format_rfc3339_nano(t)) == t);
  }
}

TEST_CASE("parsing accepts offsets and short fractions, as Go's time.Parse does") {
  CHECK(parse_rfc3339_nano("2026-11-29T02:02:03.5+01:00") == kExample + 500000000);
  CHECK(parse_rfc3339_nano("2026-11-28T20:32:03-04:30") == kExample);
  CHECK(parse_rfc3339_nano("2026-11-29T01:02:03.000000000Z") == kExample);
}

TEST_CASE("parsing refuses malformed and unrepresentable times") {
  for (const char* bad : {"", "2026-11-29", "2026-11-29T01:02:03", "2026-11-29 01:02:03Z",
                          "2026-13-01T00:00:00Z", "2026-02-29T00:00:00Z", "2026-11-29T24:00:00Z",
                          "2026-11-29T01:60:00Z", "2026-11-29T01:02:60Z", "2026-11-29T01:02:03.Z",
                          "2026-11-29T01:02:03.1234567891Z", "2026-11-29T01:02:03Zjunk",
                          "2026-11-29T01:02:03+0100", "0001-01-01T00:00:00Z", "2263-01-01T00:00:00Z"}) {
    CAPTURE(bad);
    CHECK_FALSE(parse_rfc3339_nano(bad));
  }
}
