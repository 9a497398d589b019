#include "shim/logs/log_position.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <system_error>

#include <nlohmann/json.hpp>

#include "common/durable_file.h"

namespace shim {
namespace {

constexpr LogStream kStreams[] = {LogStream::kStdout, LogStream::kStderr};

[[noreturn]] void throw_errno(const std::string& what) {
  throw std::system_error(errno, std::generic_category(), what);
}

// Closes the descriptor on every path out.
struct Fd {
  int fd;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

void read_at(int fd, char* buf, std::size_t size, off_t offset, const std::string& path) {
  while (size > 0) {
    const ssize_t n = ::pread(fd, buf, size, offset);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw_errno("read " + path);
    buf += n;
    size -= static_cast<std::size_t>(n);
    offset += n;
  }
}

// Offset of the last '\n' before `end`, or -1.
off_t last_newline(int fd, off_t end, const std::string& path) {
  std::string block;
  while (end > 0) {
    const off_t start = std::max<off_t>(0, end - (64 << 10));
    block.resize(static_cast<std::size_t>(end - start));
    read_at(fd, block.data(), block.size(), start, path);
    if (const auto at = block.rfind('\n'); at != std::string::npos)
      return start + static_cast<off_t>(at);
    end = start;
  }
  return -1;
}

}  // namespace

void StreamPosition::advance(UnixNanos record_time) {
  if (count > 0 && record_time == time) {
    ++count;
  } else {
    time = record_time;
    count = 1;
  }
}

LogPosition LogPosition::later(const LogPosition& a, const LogPosition& b) {
  LogPosition out;
  for (const auto s : kStreams) out[s] = b[s].after(a[s]) ? b[s] : a[s];
  return out;
}

UnixNanos LogPosition::resume_since() const {
  if (empty()) return 0;
  UnixNanos newest = 0;
  for (const auto s : kStreams)
    if ((*this)[s].seen()) newest = std::max(newest, (*this)[s].time);
  // Each stream's unwritten messages are stamped at or after its own last
  // time; one that has none yet may be stamped up to the margin earlier.
  UnixNanos since = newest;
  for (const auto s : kStreams) {
    const UnixNanos floor = newest - kReorderMargin;
    since = std::min(since, (*this)[s].seen() ? std::max((*this)[s].time, floor) : floor);
  }
  return std::max<UnixNanos>(since, 0);
}

std::string format_docker_since(UnixNanos time) {
  char text[40];
  std::snprintf(text, sizeof text, "%lld.%09lld", static_cast<long long>(time / 1'000'000'000),
                static_cast<long long>(time % 1'000'000'000));
  return text;
}

bool ResumeFilter::admit(LogStream stream, UnixNanos time) {
  StreamPosition& skip = skip_[stream];
  if (!skip.seen()) return true;
  if (time < skip.time) return false;
  if (time == skip.time) {
    --skip.count;
    return false;
  }
  skip = {};  // past the position: everything else is new
  return true;
}

LogPosition position_from_text(std::string_view text) {
  LogPosition position;
  bool done[2] = {false, false};
  while (!text.empty() && !(done[0] && done[1])) {
    if (text.back() == '\n') text.remove_suffix(1);
    const auto start = text.rfind('\n');
    const std::string_view line =
        start == std::string_view::npos ? text : text.substr(start + 1);
    text = start == std::string_view::npos ? std::string_view() : text.substr(0, start + 1);
    const auto record = parse_cri_log_line(line);
    if (!record) continue;
    const auto index = static_cast<std::size_t>(record->stream);
    StreamPosition& p = position[record->stream];
    if (done[index]) continue;
    if (!p.seen()) {
      p = {record->time, 1};
    } else if (record->time == p.time) {
      ++p.count;
    } else {
      done[index] = true;
    }
  }
  return position;
}

LogPosition position_from_file(const std::string& path, std::size_t max_scan) {
  Fd file{::open(path.c_str(), O_RDWR | O_CLOEXEC | O_NOFOLLOW)};
  if (file.fd < 0) {
    if (errno == ENOENT || errno == ELOOP) return {};  // ELOOP: cri-dockerd's symlink
    throw_errno("open " + path);
  }
  struct stat st;
  if (::fstat(file.fd, &st) != 0) throw_errno("stat " + path);
  off_t size = st.st_size;
  if (size == 0) return {};

  char last;
  read_at(file.fd, &last, 1, size - 1, path);
  if (last != '\n') {  // torn by a crash mid-write: never a whole record
    size = last_newline(file.fd, size, path) + 1;
    if (::ftruncate(file.fd, size) != 0) throw_errno("truncate " + path);
  }

  const off_t start = std::max<off_t>(0, size - static_cast<off_t>(max_scan));
  std::string tail(static_cast<std::size_t>(size - start), '\0');
  if (!tail.empty()) read_at(file.fd, tail.data(), tail.size(), start, path);
  std::string_view text = tail;
  if (start > 0) {  // the first line may begin before the window
    const auto newline = text.find('\n');
    text = newline == std::string_view::npos ? std::string_view() : text.substr(newline + 1);
  }
  return position_from_text(text);
}

std::optional<LogPosition> load_position(const std::string& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  try {
    const auto json = nlohmann::json::parse(in);
    LogPosition position;
    for (const auto s : kStreams) {
      const auto& entry = json.at(std::string(to_string(s)));
      position[s] = {entry.at("time").get<UnixNanos>(), entry.at("count").get<std::uint64_t>()};
    }
    return position;
  } catch (const std::exception&) {
    return std::nullopt;  // a damaged state is no state
  }
}

void save_position(const std::string& path, const LogPosition& position) {
  nlohmann::json json;
  for (const auto s : kStreams)
    json[std::string(to_string(s))] = {{"time", position[s].time}, {"count", position[s].count}};
  common::write_file_durably(path, json.dump());
}

}  // namespace shim
