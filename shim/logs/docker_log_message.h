// Docker's log messages, as GET /containers/{id}/logs?timestamps=1 sends
// them, and their 1:1 mapping to CRI log records.
//
// Docker's json-file driver already cuts a line longer than 16 KiB into
// pieces (each piece but the last lacks the '\n'; all pieces carry the time
// of the first), and the output left without '\n' when the container exits
// is one more such piece. So each Docker message becomes exactly one CRI
// record: content ending in '\n' -> F (the '\n' and a '\r' before it
// dropped), anything else -> P. The record's time is Docker's, so a follower
// that asks again reproduces the same records.
//
// With timestamps=1 every message starts with its time in Go's
// RFC3339NanoFixed layout ("2026-11-29T03:37:40.876870910Z", always 30
// bytes) and one space.
//
// Non-TTY containers: each multiplexed frame is exactly one message
// (checked against Docker 20.10: 6000 lines, 3 pieces of a 40 KiB line and an
// unterminated tail gave 6004 frames, none with an inner '\n').
//
// TTY containers: the stream is raw bytes, message boundaries are not
// marked. TtyLogSplitter cuts after each '\n'. An unterminated piece is
// recognised only where Docker makes one mid-stream, at exactly
// kDockerPieceBytes of content followed by a timestamp; at the end of the
// stream the rest is a P record. Limit: an unterminated piece of another
// size mid-stream (Docker 20.10 makes none: it only cuts at 16 KiB or EOF)
// would be glued to the next message.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "shim/logs/cri_log_record.h"

namespace shim {

// Docker's json-file line cut (daemon/logger/copier.go bufSize).
inline constexpr std::size_t kDockerPieceBytes = 16 * 1024;
// Length of "2006-01-02T15:04:05.000000000Z".
inline constexpr std::size_t kDockerTimestampBytes = 30;

struct DockerLogMessage {
  UnixNanos time = 0;
  std::string_view content;  // as Docker sent it, '\n' included when the line ended
};

// Splits "<RFC3339Nano> <content>". nullopt when the prefix is not a time.
std::optional<DockerLogMessage> parse_docker_log_message(std::string_view frame);

// The CRI record of one Docker message (see the file comment).
CriLogRecord to_cri_record(const DockerLogMessage& message, LogStream stream);

// True when `text` starts with a fixed-width Docker timestamp and a space.
bool starts_with_docker_timestamp(std::string_view text);

// Cuts a TTY container's raw timestamped log stream into messages. Feed
// bytes in pieces of any size; take whole messages with next(); at the end
// of the stream take the unterminated rest with finish().
class TtyLogSplitter {
 public:
  void feed(std::string_view bytes) { buffer_.append(bytes); }
  // The next whole message (content through '\n', or a 16 KiB piece).
  // Throws std::runtime_error when the stream does not start with a time.
  std::optional<CriLogRecord> next();
  // The bytes after the last whole message, as a P record; nullopt if none.
  std::optional<CriLogRecord> finish();

 private:
  std::string buffer_;
  std::size_t offset_ = 0;  // start of the unread bytes
  void compact();
};

}  // namespace shim
