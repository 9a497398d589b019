// Kubernetes resource quantities ("100m", "0.5", "128Mi", "1G", "1e3").
//
// Grammar (k8s.io/apimachinery resource.Quantity):
//   [+-] digits [. digits] [suffix]   suffix: Ki Mi Gi Ti Pi Ei | n u m k M G T P E
//                                             | e<int> / E<int> (decimal exponent)
// The value is kept exact (a rational) so that milli() and value() round up
// the way Quantity.MilliValue() and Quantity.Value() do.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace agent::pod {

// -Wpedantic frowns on __int128; __extension__ says we mean it (GCC and Clang).
__extension__ typedef __int128 int128_t;

// Thrown for text that is not a quantity or does not fit in int64.
class QuantityError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

class Quantity {
 public:
  // Throws QuantityError naming the text and what is wrong with it.
  static Quantity parse(std::string_view text);

  // ceil(value * 1000), e.g. "100m" -> 100, "0.5" -> 500, "1" -> 1000.
  int64_t milli() const;
  // ceil(value), e.g. "128Mi" -> 134217728, "1G" -> 1000000000.
  int64_t value() const;
  bool negative() const { return numerator_ < 0; }
  const std::string& text() const { return text_; }

 private:
  Quantity(std::string text, int128_t num, int128_t den)
      : text_(std::move(text)), numerator_(num), denominator_(den) {}
  int64_t scaled_ceil(int128_t factor) const;

  std::string text_;
  int128_t numerator_;    // value = numerator_ / denominator_
  int128_t denominator_;  // > 0
};

}  // namespace agent::pod
