#include "common/rfc3339.h"

#include <cstdint>
#include <cstdio>
#include <stdexcept>

namespace common {

namespace {

constexpr std::int64_t kNanosPerSecond = 1'000'000'000;

// Howard Hinnant's days_from_civil: proleptic Gregorian date -> days since
// 1970-01-01, without timegm()'s locale/TZ state.
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

void civil_from_days(std::int64_t z, std::int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2;
}

// Reads exactly n digits at text[pos].
bool digits(std::string_view text, std::size_t pos, std::size_t n, int& out) {
  if (pos + n > text.size()) return false;
  int v = 0;
  for (std::size_t i = 0; i < n; ++i) {
    char c = text[pos + i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  out = v;
  return true;
}

}  // namespace

std::optional<std::int64_t> try_parse_rfc3339_nanos(std::string_view t) {
  if (t.empty()) return 0;
  // YYYY-MM-DDTHH:MM:SS
  int year, month, day, hour, minute, second;
  if (!digits(t, 0, 4, year) || t.size() < 19 || t[4] != '-' || !digits(t, 5, 2, month) ||
      t[7] != '-' || !digits(t, 8, 2, day) || (t[10] != 'T' && t[10] != 't') ||
      !digits(t, 11, 2, hour) || t[13] != ':' || !digits(t, 14, 2, minute) || t[16] != ':' ||
      !digits(t, 17, 2, second))
    return std::nullopt;
  // As strict as Go's time.Parse: real calendar days, no leap second.
  static constexpr int kDaysInMonth[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  if (month < 1 || month > 12 || day < 1 ||
      day > kDaysInMonth[month - 1] + (month == 2 && leap ? 1 : 0) || hour > 23 || minute > 59 ||
      second > 59)
    return std::nullopt;
  std::size_t pos = 19;
  std::int64_t nanos = 0;
  if (pos < t.size() && t[pos] == '.') {
    ++pos;
    std::size_t start = pos;
    std::int64_t scale = 100'000'000;
    while (pos < t.size() && t[pos] >= '0' && t[pos] <= '9') {
      nanos += (t[pos] - '0') * scale;  // digits past the 9th are dropped (scale 0)
      scale /= 10;
      ++pos;
    }
    if (pos == start) return std::nullopt;
  }
  std::int64_t offset_seconds = 0;
  if (pos < t.size() && (t[pos] == 'Z' || t[pos] == 'z')) {
    ++pos;
  } else if (pos < t.size() && (t[pos] == '+' || t[pos] == '-')) {
    int oh, om;
    if (!digits(t, pos + 1, 2, oh) || pos + 3 >= t.size() || t[pos + 3] != ':' ||
        !digits(t, pos + 4, 2, om))
      return std::nullopt;
    offset_seconds = (oh * 3600 + om * 60) * (t[pos] == '-' ? -1 : 1);
    pos += 6;
  } else {
    return std::nullopt;
  }
  if (pos != t.size()) return std::nullopt;
  // Go's zero time.Time: "never" in Docker's StartedAt/FinishedAt.
  if (year == 1 && month == 1 && day == 1 && hour == 0 && minute == 0 && second == 0 &&
      nanos == 0 && offset_seconds == 0)
    return 0;
  std::int64_t days = days_from_civil(year, unsigned(month), unsigned(day));
  std::int64_t secs = days * 86400 + hour * 3600 + minute * 60 + second - offset_seconds;
  // Unix nanoseconds in an int64 reach from 1677 to 2262; refuse what does not fit.
  std::int64_t result = 0;
  if (__builtin_mul_overflow(secs, kNanosPerSecond, &result) ||
      __builtin_add_overflow(result, nanos, &result))
    return std::nullopt;
  return result;
}

std::int64_t parse_rfc3339_nanos(std::string_view text) {
  auto v = try_parse_rfc3339_nanos(text);
  if (!v) throw std::invalid_argument("not an RFC 3339 time: \"" + std::string(text) + "\"");
  return *v;
}

std::string format_rfc3339_nanos(std::int64_t unix_nanos) {
  std::int64_t secs = unix_nanos / kNanosPerSecond;
  std::int64_t frac = unix_nanos % kNanosPerSecond;
  if (frac < 0) {  // floor division for times before 1970
    frac += kNanosPerSecond;
    --secs;
  }
  std::int64_t days = secs / 86400;
  std::int64_t sod = secs % 86400;
  if (sod < 0) {
    sod += 86400;
    --days;
  }
  std::int64_t y;
  unsigned m, d;
  civil_from_days(days, y, m, d);
  char buf[64];
  int n = std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02d:%02d:%02d",
                        static_cast<long long>(y), m, d, int(sod / 3600), int(sod / 60 % 60),
                        int(sod % 60));
  std::string out(buf, std::size_t(n));
  if (frac != 0) {
    char fb[16];
    std::snprintf(fb, sizeof fb, ".%09lld", static_cast<long long>(frac));
    std::string f(fb);
    while (f.back() == '0') f.pop_back();
    out += f;
  }
  out += 'Z';
  return out;
}

}  // namespace common
