// One record (line) of a CRI container log file, as kubelet reads it:
//
//   <RFC3339Nano timestamp> <stdout|stderr> <P|F> <content>\n
//
// e.g. "2026-11-29T01:02:03.123456789Z stdout F hello". F (full) ends a
// line of the container's output; P (partial) records are pieces of a line
// whose continuation follows in later records of the same stream. Content
// is raw bytes without the container's '\n'; it never contains '\n'.
#pragma once

#include <cstdint>

#include <optional>
#include <string>
#include <string_view>


namespace shim {

// Nanoseconds since 1970-01-01T00:00:00Z, the unit of every CRI timestamp.
using UnixNanos = std::int64_t;

enum class LogStream { kStdout, kStderr };
enum class LogTag { kPartial, kFull };

std::string_view to_string(LogStream stream);  // "stdout", "stderr"
std::string_view to_string(LogTag tag);        // "P", "F"

struct CriLogRecord {
  UnixNanos time = 0;
  LogStream stream = LogStream::kStdout;
  LogTag tag = LogTag::kFull;
  std::string content;

  bool operator==(const CriLogRecord&) const = default;
};

// Appends the record's line, '\n' included, to `out`. The caller guarantees
// that content holds no '\n' (CriLogWriter does).
void append_cri_log_record(UnixNanos time, LogStream stream, LogTag tag, std::string_view content,
                           std::string& out);

// Parses one line, with or without its final '\n', the way kubelet's
// parseCRILog does: the space after the tag is required even when content is
// empty, and only the first ':'-separated field of the tag counts. nullopt
// when the line is not a CRI log record.
std::optional<CriLogRecord> parse_cri_log_line(std::string_view line);

}  // namespace shim
