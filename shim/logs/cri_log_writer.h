// CriLogWriter turns a container's stdout/stderr bytes, in chunks as they
// arrive (from Docker's log stream), into CRI log records, with the line
// handling of containerd's CRI logger (internal/cri/io/logger.go,
// redirectLogs), which is what kubelet and crictl are tested against:
//
// - each line ending in '\n' becomes one F record without the '\n'; a "\r\n"
//   ending loses its '\r' too (containerd's readLine drops both, so that the
//   lines of TTY containers, which end in "\r\n", read cleanly); a '\r'
//   anywhere else is content;
// - a line longer than max_line_bytes is cut into P records of exactly
//   max_line_bytes followed by an F record with the rest (1 to max bytes);
// - bytes after the last '\n' of a chunk wait, per stream, for the rest of
//   their line; finish() (end of stream) writes them as P records, since the
//   line never ended (containerd's "treated as a partial line");
// - an empty line is an F record with empty content.
// Chunk boundaries never change the records, only their timestamps.
//
// Time comes from the caller: every record that a write() completes carries
// that write's time (the time Docker stamped on the chunk), so output is
// reproducible and a follower that restarts from a Docker timestamp
// reproduces the same records. Not thread-safe; one writer per container.
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <string_view>

#include "shim/logs/cri_log_record.h"

namespace shim {

// containerd's default max_container_log_line_size, and kubelet's expectation.
inline constexpr std::size_t kDefaultMaxLogLineBytes = 16 * 1024;

class CriLogWriter {
 public:
  // max_line_bytes == 0: lines are never split (containerd: "-1, no limit").
  explicit CriLogWriter(std::size_t max_line_bytes = kDefaultMaxLogLineBytes);

  // Appends to `out` the records `bytes` completes on `stream`; the rest of
  // its last line is kept for the next write() or finish() of that stream.
  void write(LogStream stream, std::string_view bytes, UnixNanos time, std::string& out);

  // The stream ended: appends its unfinished line, if any, as P record(s).
  void finish(LogStream stream, UnixNanos time, std::string& out);

  // Bytes of an unfinished line waiting on `stream`.
  std::size_t pending_bytes(LogStream stream) const { return pending(stream).size(); }

 private:
  std::string& pending(LogStream stream) { return pending_[static_cast<std::size_t>(stream)]; }
  const std::string& pending(LogStream stream) const {
    return pending_[static_cast<std::size_t>(stream)];
  }
  // Writes P records of max_line_bytes_ while `line` holds more than `keep`
  // bytes beyond the limit; erases what it wrote from `line`.
  void split_long(LogStream stream, std::string& line, std::size_t keep, UnixNanos time,
                  std::string& out) const;

  std::size_t max_line_bytes_;
  std::array<std::string, 2> pending_;
};

}  // namespace shim
