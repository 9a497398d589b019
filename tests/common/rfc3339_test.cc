#include <doctest/doctest.h>

#include <stdexcept>

#include "common/rfc3339.h"

using namespace common;

TEST_CASE("RFC 3339 with nanoseconds parses to unix nanos") {
  CHECK(parse_rfc3339_nanos("1970-01-01T00:00:00Z") == 0);
  CHECK(parse_rfc3339_nanos("1970-01-01T00:00:01.5Z") == 1'500'000'000);
  CHECK(parse_rfc3339_nanos("2026-11-29T01:15:41.551099732Z") == 1795914941551099732LL);
  CHECK(parse_rfc3339_nanos("2026-11-29T01:15:41Z") == 1795914941000000000LL);
  CHECK(parse_rfc3339_nanos("2026-11-29T01:15:41.551099732+00:00") == 1795914941551099732LL);
  CHECK(parse_rfc3339_nanos("2026-11-29T03:15:41.551099732+02:00") == 1795914941551099732LL);
  CHECK(parse_rfc3339_nanos("2026-11-28T18:15:41.551099732-07:00") == 1795914941551099732LL);
  CHECK(parse_rfc3339_nanos("2000-02-29T12:00:00.000000001Z") == 951825600000000001LL);
  // More than 9 fraction digits: the excess is dropped.
  CHECK(parse_rfc3339_nanos("1970-01-01T00:00:00.1234567891Z") == 123456789);
}

TEST_CASE("the zero time and empty strings are 0") {
  CHECK(parse_rfc3339_nanos("0001-01-01T00:00:00Z") == 0);
  CHECK(parse_rfc3339_nanos("") == 0);
}

TEST_CASE("malformed times are rejected") {
  for (const char* bad : {"2026-11-29", "2026-11-29T01:15:41", "2026-13-01T00:00:00Z",
                          "2026-11-29T01:15:41.Z", "2026-11-29T01:15:41Zjunk",
                          "2026-11-29T01:15:41+0200", "yesterday"}) {
    CAPTURE(bad);
    CHECK_FALSE(try_parse_rfc3339_nanos(bad).has_value());
    CHECK_THROWS_AS(parse_rfc3339_nanos(bad), std::invalid_argument);
  }
}

TEST_CASE("formatting as RFC3339Nano, Go style") {
  CHECK(format_rfc3339_nanos(0) == "1970-01-01T00:00:00Z");
  CHECK(format_rfc3339_nanos(1795914941551099732LL) == "2026-11-29T01:15:41.551099732Z");
  CHECK(format_rfc3339_nanos(1795914941500000000LL) == "2026-11-29T01:15:41.5Z");
  CHECK(format_rfc3339_nanos(-1) == "1969-12-31T23:59:59.999999999Z");
  for (std::int64_t t : {1LL, 951825600000000001LL, 4102444800123456789LL})
    CHECK(parse_rfc3339_nanos(format_rfc3339_nanos(t)) == t);
}
