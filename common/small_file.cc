#include "common/small_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <charconv>

namespace common {

std::optional<std::string> read_small_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  std::string content;
  char buffer[8192];
  while (true) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0) {
      ::close(fd);
      return std::nullopt;
    }
    if (n == 0) break;
    content.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return content;
}

namespace {

std::optional<std::uint64_t> to_number(std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.remove_suffix(1);
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  std::uint64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

}  // namespace

std::map<std::string, std::uint64_t> parse_flat_keyed(std::string_view content) {
  std::map<std::string, std::uint64_t> out;
  while (!content.empty()) {
    const auto end = content.find('\n');
    const std::string_view line = content.substr(0, end);
    content = end == std::string_view::npos ? std::string_view() : content.substr(end + 1);
    const auto space = line.find(' ');
    if (space == std::string_view::npos) continue;
    if (auto value = to_number(line.substr(space + 1))) out[std::string(line.substr(0, space))] = *value;
  }
  return out;
}

std::optional<std::uint64_t> parse_single_value(std::string_view content) { return to_number(content); }

std::optional<std::uint64_t> read_single_value(const std::string& path) {
  const auto content = read_small_file(path);
  return content ? parse_single_value(*content) : std::nullopt;
}

std::optional<std::uint64_t> stat_of(const std::map<std::string, std::uint64_t>& stat, const char* key) {
  const auto it = stat.find(key);
  return it == stat.end() ? std::nullopt : std::optional<std::uint64_t>(it->second);
}

}  // namespace common
