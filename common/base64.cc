#include "common/base64.h"

#include <cstdint>

namespace common {
namespace {

constexpr char kStandardChars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr char kUrlChars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

// The 6-bit value of `c` in either alphabet; -1 for none.
int value_of(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+' || c == '-') return 62;
  if (c == '/' || c == '_') return 63;
  return -1;
}

}  // namespace

std::string base64_encode(std::string_view data, Base64Alphabet alphabet, bool padded) {
  const char* chars = alphabet == Base64Alphabet::kUrl ? kUrlChars : kStandardChars;
  std::string out;
  out.reserve((data.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < data.size(); i += 3) {
    const auto n = (std::uint32_t(std::uint8_t(data[i])) << 16) | (std::uint32_t(std::uint8_t(data[i + 1])) << 8) |
                   std::uint8_t(data[i + 2]);
    out += chars[(n >> 18) & 63];
    out += chars[(n >> 12) & 63];
    out += chars[(n >> 6) & 63];
    out += chars[n & 63];
  }
  if (const std::size_t rest = data.size() - i; rest > 0) {
    std::uint32_t n = std::uint32_t(std::uint8_t(data[i])) << 16;
    if (rest == 2) n |= std::uint32_t(std::uint8_t(data[i + 1])) << 8;
    out += chars[(n >> 18) & 63];
    out += chars[(n >> 12) & 63];
    if (rest == 2) out += chars[(n >> 6) & 63];
    if (padded) out.append(rest == 2 ? 1 : 2, '=');
  }
  return out;
}

std::optional<std::string> base64_decode(std::string_view text) {
  while (!text.empty() && text.back() == '=') text.remove_suffix(1);
  if (text.size() % 4 == 1) return std::nullopt;
  std::string out;
  out.reserve(text.size() * 3 / 4);
  std::uint32_t bits = 0;
  int held = 0;
  for (const char c : text) {
    const int value = value_of(c);
    if (value < 0) return std::nullopt;
    bits = (bits << 6) | std::uint32_t(value);
    held += 6;
    if (held >= 8) {
      held -= 8;
      out += char((bits >> held) & 0xFF);
    }
  }
  return out;
}

std::optional<std::string> base64_decode_standard(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '-' || c == '_') return std::nullopt;
    if (c == '=' && i + 2 < text.size()) return std::nullopt;  // padding only in the last two places
  }
  return base64_decode(text);
}

}  // namespace common
