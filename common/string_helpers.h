// The small string helpers both binaries use, once.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace common {

// `text` without the leading and trailing characters found in `blanks`.
std::string_view trim(std::string_view text, std::string_view blanks = " \t");

// The parts of `text` between each `separator`, empty ones included
// ("a,,b" -> "a", "", "b"; "" -> one empty part).
std::vector<std::string> split(std::string_view text, char separator);

// The items, with `separator` between each two.
template <typename Items>
std::string join(const Items& items, std::string_view separator) {
  std::string out;
  bool first = true;
  for (const auto& item : items) {
    if (!first) out += separator;
    out += item;
    first = false;
  }
  return out;
}

}  // namespace common
