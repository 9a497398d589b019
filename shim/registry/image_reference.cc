#include "shim/registry/image_reference.h"

#include <cctype>
#include <vector>

namespace shim {
namespace {

constexpr std::size_t kMaxNameLength = 255;
constexpr std::size_t kMaxTagLength = 128;

bool is_lower_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool is_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }

// A path component: [a-z0-9]+ ((\.|_|__|-+) [a-z0-9]+)*
bool valid_path_component(std::string_view s) {
  if (s.empty() || !is_lower_alnum(s.front()) || !is_lower_alnum(s.back())) return false;
  for (std::size_t i = 0; i < s.size();) {
    if (is_lower_alnum(s[i])) {
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j < s.size() && !is_lower_alnum(s[j])) ++j;
    std::string_view sep = s.substr(i, j - i);
    bool ok = sep == "." || sep == "_" || sep == "__" ||
              sep.find_first_not_of('-') == std::string_view::npos;
    if (!ok) return false;
    i = j;
  }
  return true;
}

// A domain: hostname components ([a-zA-Z0-9] with inner '-') joined by '.',
// or a bracketed IPv6 address, with an optional :port.
bool valid_domain(std::string_view s) {
  if (s.empty()) return false;
  std::string_view host = s;
  if (auto colon = s.rfind(':'); colon != std::string_view::npos && s.back() != ']') {
    std::string_view port = s.substr(colon + 1);
    if (port.empty()) return false;
    for (char c : port)
      if (!std::isdigit(static_cast<unsigned char>(c))) return false;
    host = s.substr(0, colon);
  }
  if (host.empty()) return false;
  if (host.front() == '[') {
    if (host.back() != ']' || host.size() < 3) return false;
    for (char c : host.substr(1, host.size() - 2))
      if (!std::isxdigit(static_cast<unsigned char>(c)) && c != ':' && c != '.') return false;
    return true;
  }
  std::size_t start = 0;
  while (start <= host.size()) {
    auto dot = host.find('.', start);
    std::string_view label = host.substr(start, dot == std::string_view::npos ? host.npos : dot - start);
    if (label.empty() || !std::isalnum(static_cast<unsigned char>(label.front())) ||
        !std::isalnum(static_cast<unsigned char>(label.back())))
      return false;
    for (char c : label)
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-') return false;
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return true;
}

bool valid_tag(std::string_view s) {
  if (s.empty() || s.size() > kMaxTagLength) return false;
  auto word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
  if (!word(s.front())) return false;
  for (char c : s)
    if (!word(c) && c != '.' && c != '-') return false;
  return true;
}

bool valid_digest(std::string_view s) {
  auto colon = s.find(':');
  if (colon == std::string_view::npos || colon == 0) return false;
  std::string_view algorithm = s.substr(0, colon), hex = s.substr(colon + 1);
  for (char c : algorithm)
    if (!is_lower_alnum(c) && c != '+' && c != '.' && c != '_' && c != '-') return false;
  if (algorithm == "sha256" && hex.size() != 64) return false;
  if (hex.size() < 32) return false;
  for (char c : hex)
    if (!is_hex(c)) return false;
  return true;
}

// Docker's rule: the first component is a domain when it has a '.' or ':',
// is "localhost", or has an upper-case letter (not allowed in a path).
bool is_domain_component(std::string_view s) {
  if (s == "localhost") return true;
  for (char c : s)
    if (c == '.' || c == ':' || std::isupper(static_cast<unsigned char>(c))) return true;
  return false;
}

std::optional<ImageReference> fail(std::string* error, std::string message) {
  if (error) *error = std::move(message);
  return std::nullopt;
}

}  // namespace

std::string ImageReference::full() const {
  std::string out = name();
  if (!tag.empty()) out += ":" + tag;
  if (!digest.empty()) out += "@" + digest;
  return out;
}

std::string ImageReference::familiar() const {
  std::string short_name;
  if (domain == "docker.io") {
    short_name = path.rfind("library/", 0) == 0 && path.find('/', 8) == std::string::npos
                     ? path.substr(8)
                     : path;
  } else {
    short_name = name();
  }
  if (!tag.empty()) short_name += ":" + tag;
  if (!digest.empty()) short_name += "@" + digest;
  return short_name;
}

std::optional<ImageReference> parse_image_reference(std::string_view text, std::string* error) {
  if (text.empty()) return fail(error, "image reference is empty");
  for (char c : text)
    if (std::isspace(static_cast<unsigned char>(c)))
      return fail(error, "image reference '" + std::string(text) + "' contains whitespace");
  if (looks_like_image_id(text))
    return fail(error, "'" + std::string(text) + "' is an image ID, not a repository reference");

  ImageReference ref;
  std::string_view rest = text;
  if (auto at = rest.find('@'); at != std::string_view::npos) {
    ref.digest = std::string(rest.substr(at + 1));
    if (!valid_digest(ref.digest))
      return fail(error, "image reference '" + std::string(text) + "' has an invalid digest");
    rest = rest.substr(0, at);
  }
  // A tag follows the last ':' after the last '/' (a ':' before it is a port).
  auto slash = rest.rfind('/');
  auto colon = rest.rfind(':');
  if (colon != std::string_view::npos && (slash == std::string_view::npos || colon > slash)) {
    ref.tag = std::string(rest.substr(colon + 1));
    if (!valid_tag(ref.tag))
      return fail(error, "image reference '" + std::string(text) + "' has an invalid tag '" +
                             ref.tag + "'");
    rest = rest.substr(0, colon);
  }
  if (rest.empty())
    return fail(error, "image reference '" + std::string(text) + "' has no repository name");

  std::vector<std::string_view> components;
  for (std::size_t start = 0;;) {
    auto next = rest.find('/', start);
    components.push_back(rest.substr(start, next == std::string_view::npos ? rest.npos : next - start));
    if (next == std::string_view::npos) break;
    start = next + 1;
  }
  if (components.size() > 1 && is_domain_component(components.front())) {
    ref.domain = std::string(components.front());
    if (!valid_domain(ref.domain))
      return fail(error, "image reference '" + std::string(text) + "' has an invalid registry '" +
                             ref.domain + "'");
    components.erase(components.begin());
  } else {
    ref.domain = "docker.io";
  }
  if (ref.domain == "index.docker.io") ref.domain = "docker.io";
  for (auto component : components) {
    if (!valid_path_component(component))
      return fail(error, "image reference '" + std::string(text) +
                             "' is malformed: repository names are lower-case letters, digits "
                             "and separators (. _ __ -), got '" + std::string(component) + "'");
    if (!ref.path.empty()) ref.path += '/';
    ref.path += component;
  }
  if (ref.domain == "docker.io" && components.size() == 1) ref.path = "library/" + ref.path;
  if (ref.name().size() > kMaxNameLength)
    return fail(error, "image reference '" + std::string(text) + "' is longer than 255 characters");
  return ref;
}

ImageReference with_default_tag(ImageReference ref) {
  if (ref.tag.empty() && ref.digest.empty()) ref.tag = "latest";
  return ref;
}

bool looks_like_image_id(std::string_view text, bool allow_prefix) {
  if (text.rfind("sha256:", 0) == 0) text.remove_prefix(7);
  if (text.size() > 64 || text.empty()) return false;
  if (text.size() < 64 && !(allow_prefix && text.size() >= 12)) return false;
  for (char c : text)
    if (!is_hex(c)) return false;
  return true;
}

}  // namespace shim
