#include "agent/pod/quantity.h"

#include <cctype>

namespace agent::pod {
namespace {

// Large enough for any int64 milli-value, small enough that milli()'s
// numerator * 1000 cannot overflow int128_t (about 1.7e38).
constexpr int128_t kLimit = static_cast<int128_t>(1'000'000'000'000'000'000LL) * 100'000'000'000'000'000LL;  // 1e35

int128_t pow10(int n) {
  int128_t r = 1;
  while (n-- > 0) r *= 10;
  return r;
}

[[noreturn]] void fail(std::string_view text, const std::string& why) {
  throw QuantityError("invalid quantity \"" + std::string(text) + "\": " + why);
}

}  // namespace

Quantity Quantity::parse(std::string_view text) {
  size_t i = 0;
  bool neg = false;
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) neg = text[i++] == '-';

  int128_t mantissa = 0;
  int frac_digits = 0;
  int digits = 0;
  bool seen_dot = false;
  bool any_digit = false;
  for (; i < text.size(); ++i) {
    char c = text[i];
    if (c == '.' && !seen_dot) {
      seen_dot = true;
      continue;
    }
    if (!std::isdigit(static_cast<unsigned char>(c))) break;
    any_digit = true;
    if (mantissa == 0 && c == '0' && !seen_dot) continue;  // leading zeros carry nothing
    if (++digits > 30) fail(text, "too many digits");
    mantissa = mantissa * 10 + (c - '0');
    if (seen_dot) ++frac_digits;
  }
  if (!any_digit) fail(text, "expected a number");

  std::string_view suffix = text.substr(i);
  int exp10 = -frac_digits;
  int exp2 = 0;
  if (suffix.empty()) {
  } else if (suffix == "Ki") exp2 = 10;
  else if (suffix == "Mi") exp2 = 20;
  else if (suffix == "Gi") exp2 = 30;
  else if (suffix == "Ti") exp2 = 40;
  else if (suffix == "Pi") exp2 = 50;
  else if (suffix == "Ei") exp2 = 60;
  else if (suffix == "n") exp10 -= 9;
  else if (suffix == "u") exp10 -= 6;
  else if (suffix == "m") exp10 -= 3;
  else if (suffix == "k") exp10 += 3;
  else if (suffix == "M") exp10 += 6;
  else if (suffix == "G") exp10 += 9;
  else if (suffix == "T") exp10 += 12;
  else if (suffix == "P") exp10 += 15;
  else if (suffix == "E") exp10 += 18;
  else if (suffix[0] == 'e' || suffix[0] == 'E') {
    std::string_view e = suffix.substr(1);
    bool eneg = false;
    if (!e.empty() && (e[0] == '+' || e[0] == '-')) {
      eneg = e[0] == '-';
      e.remove_prefix(1);
    }
    if (e.empty() || e.size() > 3) fail(text, "bad exponent \"" + std::string(suffix) + "\"");
    int v = 0;
    for (char c : e) {
      if (!std::isdigit(static_cast<unsigned char>(c))) fail(text, "bad exponent \"" + std::string(suffix) + "\"");
      v = v * 10 + (c - '0');
    }
    exp10 += eneg ? -v : v;
  } else {
    fail(text, "unknown suffix \"" + std::string(suffix) + "\" (expected one of n u m k M G T P E Ki Mi Gi Ti Pi Ei or an exponent)");
  }

  int128_t num = mantissa;
  int128_t den = 1;
  if (mantissa != 0) {
    if (exp10 > 36 || exp10 < -36) fail(text, "out of range");
    if (exp10 >= 0) {
      // Checked before multiplying: 30 digits times 10^36 overflows int128_t.
      if (num > kLimit / pow10(exp10)) fail(text, "too large");
      num *= pow10(exp10);
    } else {
      den = pow10(-exp10);
    }
    if (num > kLimit) fail(text, "too large");
    for (int k = 0; k < exp2; ++k) {
      num *= 2;
      if (num > kLimit) fail(text, "too large");
    }
  }
  return Quantity(std::string(text), neg ? -num : num, den);
}

int64_t Quantity::scaled_ceil(int128_t factor) const {
  int128_t n = numerator_ * factor;
  int128_t q = n / denominator_;
  if (n % denominator_ != 0 && n > 0) ++q;  // round up, toward +inf
  if (q > INT64_MAX || q < INT64_MIN) throw QuantityError("quantity \"" + text_ + "\" does not fit in 64 bits");
  return static_cast<int64_t>(q);
}

int64_t Quantity::milli() const { return scaled_ceil(1000); }
int64_t Quantity::value() const { return scaled_ceil(1); }

}  // namespace agent::pod
