// Small text encodings the Docker API needs: URL query escaping, image reference splitting, API version comparison,
// and splitting a streamed body into JSON lines.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>

namespace docker::detail {

// Percent-encodes everything but RFC 3986 unreserved characters.
std::string url_encode(std::string_view text);
// Percent-encodes what would end or break a path segment ('?', '#', '%', spaces,
// controls); keeps '/', ':' and '@' as Docker's own client does for names/refs.
std::string escape_path(std::string_view text);

// Builds "?a=1&b=2" (empty when nothing was added).
class Query {
 public:
  Query& add(std::string_view key, std::string_view value);
  Query& add_if(bool cond, std::string_view key, std::string_view value) {
    return cond ? add(key, value) : *this;
  }
  Query& add_nonempty(std::string_view key, std::string_view value) {
    return add_if(!value.empty(), key, value);
  }
  const std::string& str() const { return text_; }

 private:
  std::string text_;
};

// Splits an image reference into (name, tag-or-digest) for
// POST /images/create?fromImage=&tag=. A reference without a tag gets
// "latest": dockerd would otherwise pull every tag of the repository.
std::pair<std::string, std::string> split_image_ref(std::string_view ref);

// Compares "1.41" with "1.40" numerically: <0, 0, >0. Throws
// std::invalid_argument when either is not "<major>.<minor>".
int compare_api_versions(std::string_view a, std::string_view b);

// Collects a byte stream into lines ("\n"-terminated, "\r" stripped) and
// hands each non-empty line to a callback; the tail without "\n" is kept
// until more bytes or finish().
class LineSplitter {
 public:
  // `on_line(std::string_view)` returns false to stop; feed() then returns false.
  template <class F>
  bool feed(const char* data, std::size_t size, F&& on_line) {
    std::string_view in(data, size);
    while (!in.empty()) {
      auto nl = in.find('\n');
      if (nl == std::string_view::npos) {
        pending_.append(in);
        return true;
      }
      std::string_view line;
      if (pending_.empty()) {
        line = in.substr(0, nl);  // the common case: no copy
      } else {
        pending_.append(in.substr(0, nl));
        line = pending_;
      }
      in.remove_prefix(nl + 1);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      bool go_on = line.empty() || on_line(line);
      pending_.clear();
      if (!go_on) return false;
    }
    return true;
  }
  // Delivers a last line that had no "\n".
  template <class F>
  bool finish(F&& on_line) {
    if (pending_.empty()) return true;
    std::string line = std::move(pending_);
    pending_.clear();
    return on_line(std::string_view(line));
  }

 private:
  std::string pending_;
};

}  // namespace docker::detail
