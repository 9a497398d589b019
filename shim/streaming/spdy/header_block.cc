#include "shim/streaming/spdy/header_block.h"

#include <algorithm>
#include <cstdint>
#include <set>

namespace shim::streaming::spdy {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c); });
  return out;
}

// Empty, or values of length > 0 separated by single NULs.
bool valid_value(std::string_view v) {
  if (v.empty()) return true;
  if (v.front() == '\0' || v.back() == '\0') return false;
  return v.find(std::string_view("\0\0", 2)) == std::string_view::npos;
}

void put32(std::string& out, std::size_t v) {
  out.push_back(static_cast<char>(v >> 24));
  out.push_back(static_cast<char>(v >> 16));
  out.push_back(static_cast<char>(v >> 8));
  out.push_back(static_cast<char>(v));
}

class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  std::uint32_t u32(const char* what) {
    need(4, what);
    auto b = [&](std::size_t i) { return static_cast<std::uint32_t>(static_cast<unsigned char>(in_[at_ + i])); };
    std::uint32_t v = b(0) << 24 | b(1) << 16 | b(2) << 8 | b(3);
    at_ += 4;
    return v;
  }
  std::string_view bytes(std::uint32_t n, const char* what) {
    need(n, what);
    std::string_view v = in_.substr(at_, n);
    at_ += n;
    return v;
  }
  std::size_t left() const { return in_.size() - at_; }

 private:
  void need(std::size_t n, const char* what) {
    if (left() < n) {
      throw HeaderBlockError(std::string("spdy header block: truncated ") + what + " (" +
                             std::to_string(n) + " bytes needed, " + std::to_string(left()) + " left)");
    }
  }
  std::string_view in_;
  std::size_t at_ = 0;
};

}  // namespace

std::optional<std::string> header_value(const Headers& headers, std::string_view name) {
  std::string wanted = lower(name);
  for (const Header& h : headers) {
    if (h.name == wanted) return h.value.substr(0, h.value.find('\0'));
  }
  return std::nullopt;
}

std::string encode_name_value_block(const Headers& headers) {
  std::string out;
  std::set<std::string> seen;
  put32(out, headers.size());
  for (const Header& h : headers) {
    std::string name = lower(h.name);
    if (name.empty()) throw std::invalid_argument("spdy header block: empty header name");
    if (!seen.insert(name).second) throw std::invalid_argument("spdy header block: header " + name + " given twice");
    if (!valid_value(h.value)) throw std::invalid_argument("spdy header block: header " + name + " has an empty value among several");
    put32(out, name.size());
    out += name;
    put32(out, h.value.size());
    out += h.value;
  }
  return out;
}

Headers decode_name_value_block(std::string_view block) {
  Reader r(block);
  std::uint32_t count = r.u32("header count");
  // Each header takes at least 8 bytes: a huge count cannot be honest.
  if (count > r.left() / 8) {
    throw HeaderBlockError("spdy header block: " + std::to_string(count) + " headers cannot fit in " +
                           std::to_string(r.left()) + " bytes");
  }
  Headers headers;
  headers.reserve(count);
  std::set<std::string_view> seen;
  for (std::uint32_t i = 0; i < count; ++i) {
    std::string_view name = r.bytes(r.u32("name length"), "name");
    if (name.empty()) throw HeaderBlockError("spdy header block: empty header name");
    if (lower(name) != name) throw HeaderBlockError("spdy header block: header name " + std::string(name) + " is not lower case");
    if (!seen.insert(name).second) throw HeaderBlockError("spdy header block: header " + std::string(name) + " given twice");
    std::string_view value = r.bytes(r.u32("value length"), "value");
    if (!valid_value(value)) throw HeaderBlockError("spdy header block: header " + std::string(name) + " has misplaced NUL separators");
    headers.push_back({std::string(name), std::string(value)});
  }
  if (r.left() != 0) {
    throw HeaderBlockError("spdy header block: " + std::to_string(r.left()) + " bytes after the last header");
  }
  return headers;
}

}  // namespace shim::streaming::spdy
