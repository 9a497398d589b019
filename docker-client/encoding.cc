#include "docker-client/encoding.h"

#include <charconv>
#include <stdexcept>

namespace docker::detail {

namespace {

bool unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
         c == '-' || c == '.' || c == '_' || c == '~';
}

void append_pct(std::string& out, unsigned char c) {
  static constexpr char hex[] = "0123456789ABCDEF";
  out += '%';
  out += hex[c >> 4];
  out += hex[c & 15];
}

}  // namespace

std::string url_encode(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 8);
  for (unsigned char c : text) {
    if (unreserved(c)) out += char(c);
    else append_pct(out, c);
  }
  return out;
}

std::string escape_path(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    if (unreserved(c) || c == '/' || c == ':' || c == '@' || c == '+' || c == '=' || c == ',')
      out += char(c);
    else
      append_pct(out, c);
  }
  return out;
}

Query& Query::add(std::string_view key, std::string_view value) {
  text_ += text_.empty() ? '?' : '&';
  text_ += url_encode(key);
  text_ += '=';
  text_ += url_encode(value);
  return *this;
}

std::pair<std::string, std::string> split_image_ref(std::string_view ref) {
  if (auto at = ref.find('@'); at != std::string_view::npos)
    return {std::string(ref.substr(0, at)), std::string(ref.substr(at + 1))};
  // A ':' after the last '/' separates the tag; one before it is a registry port.
  auto slash = ref.rfind('/');
  auto colon = ref.rfind(':');
  if (colon != std::string_view::npos && (slash == std::string_view::npos || colon > slash))
    return {std::string(ref.substr(0, colon)), std::string(ref.substr(colon + 1))};
  return {std::string(ref), "latest"};
}

namespace {
std::pair<int, int> parse_api_version(std::string_view v) {
  int major = 0, minor = 0;
  auto dot = v.find('.');
  if (dot == std::string_view::npos) throw std::invalid_argument("bad API version: " + std::string(v));
  auto r1 = std::from_chars(v.data(), v.data() + dot, major);
  auto r2 = std::from_chars(v.data() + dot + 1, v.data() + v.size(), minor);
  if (r1.ec != std::errc() || r1.ptr != v.data() + dot || r2.ec != std::errc() ||
      r2.ptr != v.data() + v.size())
    throw std::invalid_argument("bad API version: " + std::string(v));
  return {major, minor};
}
}  // namespace

int compare_api_versions(std::string_view a, std::string_view b) {
  auto x = parse_api_version(a), y = parse_api_version(b);
  if (x == y) return 0;
  return x < y ? -1 : 1;
}

}  // namespace docker::detail
