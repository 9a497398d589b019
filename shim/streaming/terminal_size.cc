#include "shim/streaming/terminal_size.h"

#include <cctype>

#include <nlohmann/json.hpp>

namespace shim::streaming {

namespace {

std::uint16_t dimension(const nlohmann::json& value, const char* name) {
  // Go decodes a JSON number into uint16 only when it is an integer that fits.
  if (value.is_number_unsigned() && value.get<std::uint64_t>() <= 0xffff)
    return static_cast<std::uint16_t>(value.get<std::uint64_t>());
  if (value.is_number_integer() && value.get<std::int64_t>() == 0) return 0;
  throw MalformedResize(std::string("resize ") + name + " is not an integer in 0..65535: " +
                        value.dump());
}

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  return true;
}

TerminalSize parse_object(const std::string& text) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) throw MalformedResize("resize message is not valid JSON: " + text);
  TerminalSize size;
  for (const auto& [key, value] : j.items()) {
    if (equals_ignoring_case(key, "width")) size.width = dimension(value, "Width");
    else if (equals_ignoring_case(key, "height")) size.height = dimension(value, "Height");
  }
  return size;
}

}  // namespace

std::vector<TerminalSize> TerminalSizeDecoder::feed(std::string_view bytes) {
  if (failed_) throw MalformedResize("resize stream already failed");
  std::vector<TerminalSize> sizes;
  try {
    for (char c : bytes) {
      if (depth_ == 0) {
        // Between objects only whitespace may appear; the next value must be one.
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') continue;
        if (c != '{')
          throw MalformedResize(std::string("resize message is not a JSON object (starts with '") + c +
                                "')");
      }
      if (pending_.size() >= kMaxPendingBytes)
        throw MalformedResize("resize message longer than " + std::to_string(kMaxPendingBytes) +
                              " bytes");
      pending_.push_back(c);
      if (in_string_) {
        if (escaped_) escaped_ = false;
        else if (c == '\\') escaped_ = true;
        else if (c == '"') in_string_ = false;
        continue;
      }
      if (c == '"') in_string_ = true;
      else if (c == '{' || c == '[') ++depth_;
      else if (c == '}' || c == ']') {
        if (--depth_ == 0) {
          sizes.push_back(parse_object(pending_));
          pending_.clear();
        }
      }
    }
  } catch (...) {
    failed_ = true;
    throw;
  }
  return sizes;
}

}  // namespace shim::streaming
