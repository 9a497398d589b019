#include "agent/node/quantity_format.h"

#include <cstdlib>

namespace agent::node {

namespace {

// mantissa * 10^exponent with the exponent a multiple of 3 and as large as
// the mantissa stays whole: resource.Quantity's canonical decimal form.
std::string decimal_form(int64_t mantissa, int exponent) {
  if (mantissa == 0) return "0";
  while (mantissa % 1000 == 0 && exponent < 18) {
    mantissa /= 1000;
    exponent += 3;
  }
  const char* suffix = "";
  switch (exponent) {
    case -9: suffix = "n"; break;
    case -6: suffix = "u"; break;
    case -3: suffix = "m"; break;
    case 0: suffix = ""; break;
    case 3: suffix = "k"; break;
    case 6: suffix = "M"; break;
    case 9: suffix = "G"; break;
    case 12: suffix = "T"; break;
    case 15: suffix = "P"; break;
    case 18: suffix = "E"; break;
    default: break;
  }
  return std::to_string(mantissa) + suffix;
}

}  // namespace

std::string format_milli(int64_t milli) { return decimal_form(milli, -3); }

std::string format_decimal(int64_t value) { return decimal_form(value, 0); }

std::string format_binary(int64_t bytes) {
  // Below 1024 a binary suffix could only round: Quantity writes DecimalSI.
  if (bytes > -1024 && bytes < 1024) return format_decimal(bytes);
  static const char* const kSuffixes[] = {"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};
  int power = 0;
  while (bytes % 1024 == 0 && power < 6) {
    bytes /= 1024;
    ++power;
  }
  return std::to_string(bytes) + kSuffixes[power];
}

std::string format_resource(const std::string& name, int64_t value) {
  if (name == "cpu") return format_milli(value);
  if (name == "memory" || name == "ephemeral-storage" || name.rfind("hugepages-", 0) == 0) return format_binary(value);
  return format_decimal(value);
}

}  // namespace agent::node
