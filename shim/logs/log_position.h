// Where a container's log copy stands, so that a follower that restarts
// (shim restart, dockerd restart, ReopenContainerLog) writes every Docker
// message exactly once.
//
// Docker's log is in the order its json-file driver wrote it, and only each
// stream's own timestamps are monotonic there: stdout and stderr are stamped
// by two goroutines, so a stderr message may follow a later-stamped stdout
// one (measured on Docker 20.10: 7 inversions of up to 1.1 ms in 6000
// interleaved lines; none within one stream). So the position is kept per
// stream: (time of the last record written, how many records of that stream
// at the end carry that time; the pieces of a long line share one time).
//
// Resuming: ask Docker with since = resume_since() (inclusive), then for
// each stream drop messages older than its time and the first `count` that
// carry exactly its time (ResumeFilter). since reaches kReorderMargin below
// the newer stream's time, so a message of the other stream that Docker
// stamped earlier but wrote later is still delivered.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "shim/logs/cri_log_record.h"

namespace shim {

// How far apart in time Docker may write two streams' messages out of order.
inline constexpr UnixNanos kReorderMargin = 10'000'000'000;  // 10 s

struct StreamPosition {
  UnixNanos time = 0;       // time of the last record written; 0 = none yet
  std::uint64_t count = 0;  // records at the end of the stream with that time

  bool seen() const { return count > 0; }
  // Later in the stream: newer time, or as new with more records.
  bool after(const StreamPosition& other) const {
    return time != other.time ? time > other.time : count > other.count;
  }
  // Records one more written record.
  void advance(UnixNanos record_time);
  bool operator==(const StreamPosition&) const = default;
};

struct LogPosition {
  std::array<StreamPosition, 2> streams;  // indexed by LogStream

  StreamPosition& operator[](LogStream s) { return streams[static_cast<std::size_t>(s)]; }
  const StreamPosition& operator[](LogStream s) const {
    return streams[static_cast<std::size_t>(s)];
  }
  bool empty() const { return !streams[0].seen() && !streams[1].seen(); }
  // Per stream, the later of the two.
  static LogPosition later(const LogPosition& a, const LogPosition& b);
  // The `since` to ask Docker for (unix nanos); 0 = from the start.
  UnixNanos resume_since() const;
  bool operator==(const LogPosition&) const = default;
};

// Docker's since= query value: "<seconds>.<9-digit nanoseconds>".
std::string format_docker_since(UnixNanos time);

// Skips the messages of a resumed stream that the file already has.
class ResumeFilter {
 public:
  explicit ResumeFilter(const LogPosition& start) : skip_(start) {}
  // True when the message of `stream` stamped `time` is new (write it).
  bool admit(LogStream stream, UnixNanos time);

 private:
  LogPosition skip_;
};

// The position a CRI log file shows. Reads the file's tail backwards, up to
// max_scan bytes, until each stream's last run of equal times is known; a
// stream without a record in that span is "not seen". A last line without
// '\n' (torn by a crash mid-write) is cut off the file first. Lines that are
// not CRI records are skipped. A missing file is an empty position.
// Throws std::system_error on I/O failures.
LogPosition position_from_file(const std::string& path, std::size_t max_scan = 4 << 20);

// The same from text already in memory (the whole tail, ending in '\n').
LogPosition position_from_text(std::string_view text);

// The position state file <state_dir>/logs/<container id>: JSON
// {"stdout":{"time":N,"count":N},"stderr":{...}}. load: nullopt when missing
// or unreadable (the file position is then all there is). save: written to a
// temporary file and renamed, so a crash leaves the old or the new state.
std::optional<LogPosition> load_position(const std::string& path);
void save_position(const std::string& path, const LogPosition& position);  // throws

}  // namespace shim
