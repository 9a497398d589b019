#include "shim/streaming/websocket/query.h"

namespace shim::streaming::websocket {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// As Go's url.QueryUnescape, but a bad escape is kept as it is rather than
// failing the whole query.
std::string unescape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 && hex_value(s[i + 2]) >= 0) {
      out += static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

}  // namespace

std::vector<std::string> query_values(std::string_view target, std::string_view key) {
  std::vector<std::string> values;
  const auto question = target.find('?');
  if (question == std::string_view::npos) return values;
  auto query = target.substr(question + 1);
  if (const auto hash = query.find('#'); hash != std::string_view::npos) query = query.substr(0, hash);
  while (!query.empty()) {
    const auto amp = query.find('&');
    const auto pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    const auto equals = pair.find('=');
    if (unescape(pair.substr(0, equals)) != key) continue;
    values.push_back(equals == std::string_view::npos ? std::string() : unescape(pair.substr(equals + 1)));
  }
  return values;
}

}  // namespace shim::streaming::websocket
