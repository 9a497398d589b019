#include <doctest/doctest.h>

#include <cstdint>

#include "common/rfc3339.h"

using common::format_rfc3339_nanos;
using common::try_parse_rfc3339_nanos;

namespace {
constexpr std::int64_t kSecond = 1'000'000'000;
constexpr std::int64_t kExample = 1795914123 * kSecond;  // 2026-11-29T01:02:03Z
}  // namespace

TEST_CASE("RFC3339Nano trims the fraction's trailing zeros, like Go") {
  CHECK(format_rfc3339_nanos(kExample + 123456789) == "2026-11-29T01:02:03.123456789Z");
  CHECK(format_rfc3339_nanos(kExample + 123450000) == "2026-11-29T01:02:03.12345Z");
  CHECK(format_rfc3339_nanos(kExample + 100000000) == "2026-11-29T01:02:03.1Z");
  CHECK(format_rfc3339_nanos(kExample + 1) == "2026-11-29T01:02:03.000000001Z");
  CHECK(format_rfc3339_nanos(kExample) == "2026-11-29T01:02:03Z");  // no dot at all
}

TEST_CASE("dates around the epoch, leap days and the ends of the range") {
  CHECK(format_rfc3339_nanos(0) == "1970-01-01T00:00:00Z");
  CHECK(format_rfc3339_nanos(-1) == "1969-12-31T23:59:59.999999999Z");
  CHECK(format_rfc3339_nanos(951825600 * kSecond) == "2000-02-29T12:00:00Z");
  CHECK(format_rfc3339_nanos(INT64_MAX) == "2262-04-11T23:47:16.854775807Z");
  CHECK(format_rfc3339_nanos(INT64_MIN + 1) == "1677-09-21T00:12:43.145224193Z");
}

TEST_CASE("parsing reads back what formatting writes") {
  for (std::int64_t t : {kExample + 123456789, kExample + 120000000, kExample, std::int64_t{0},
                            std::int64_t{-1}, INT64_MAX, INT64_MIN + kSecond}) {
    CAPTURE(t);
    CHECK(try_parse_rfc3339_nanos(format_rfc3339_nanos(t)) == t);
  }
}

TEST_CASE("parsing accepts offsets and short fractions, as Go's time.Parse does") {
  CHECK(try_parse_rfc3339_nanos("2026-11-29T02:02:03.5+01:00") == kExample + 500000000);
  CHECK(try_parse_rfc3339_nanos("2026-11-28T20:32:03-04:30") == kExample);
  CHECK(try_parse_rfc3339_nanos("2026-11-29T01:02:03.000000000Z") == kExample);
}

TEST_CASE("parsing refuses malformed and unrepresentable times") {
  // Docker's "not set" times are 0, not errors.
  CHECK(try_parse_rfc3339_nanos("") == 0);
  CHECK(try_parse_rfc3339_nanos("0001-01-01T00:00:00Z") == 0);
  for (const char* bad : {"2026-11-29", "2026-11-29T01:02:03", "2026-11-29 01:02:03Z",
                          "2026-13-01T00:00:00Z", "2026-02-29T00:00:00Z", "2026-11-29T24:00:00Z",
                          "2026-11-29T01:60:00Z", "2026-11-29T01:02:60Z", "2026-11-29T01:02:03.Z",
                          "2026-11-29T01:02:03Zjunk",
                          "2026-11-29T01:02:03+0100", "2263-01-01T00:00:00Z"}) {
    CAPTURE(bad);
    CHECK_FALSE(try_parse_rfc3339_nanos(bad));
  }
}
