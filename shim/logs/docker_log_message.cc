#include "shim/logs/docker_log_message.h"

#include <stdexcept>

#include "common/rfc3339.h"

namespace shim {

std::optional<DockerLogMessage> parse_docker_log_message(std::string_view frame) {
  // Docker uses a fixed layout, but accept any RFC3339Nano up to the space.
  const auto space = frame.find(' ');
  if (space == std::string_view::npos || space == 0) return std::nullopt;
  const auto time = common::try_parse_rfc3339_nanos(frame.substr(0, space));
  if (!time) return std::nullopt;
  return DockerLogMessage{*time, frame.substr(space + 1)};
}

CriLogRecord to_cri_record(const DockerLogMessage& message, LogStream stream) {
  CriLogRecord record;
  record.time = message.time;
  record.stream = stream;
  std::string_view content = message.content;
  if (!content.empty() && content.back() == '\n') {
    content.remove_suffix(1);
    if (!content.empty() && content.back() == '\r') content.remove_suffix(1);
    record.tag = LogTag::kFull;
  } else {
    record.tag = LogTag::kPartial;
  }
  record.content = std::string(content);
  return record;
}

bool starts_with_docker_timestamp(std::string_view text) {
  // "dddd-dd-ddTdd:dd:dd.dddddddddZ "
  static constexpr std::string_view kLayout = "0000-00-00T00:00:00.000000000Z ";
  if (text.size() < kLayout.size()) return false;
  for (std::size_t i = 0; i < kLayout.size(); ++i) {
    const char want = kLayout[i], got = text[i];
    if (want == '0' ? (got < '0' || got > '9') : got != want) return false;
  }
  return true;
}

void TtyLogSplitter::compact() {
  if (offset_ > 0 && offset_ * 2 >= buffer_.size()) {
    buffer_.erase(0, offset_);
    offset_ = 0;
  }
}

std::optional<CriLogRecord> TtyLogSplitter::next() {
  const std::string_view rest = std::string_view(buffer_).substr(offset_);
  const auto space = rest.find(' ');
  if (space == std::string_view::npos) {
    if (rest.size() > kDockerTimestampBytes + 8)
      throw std::runtime_error("TTY log stream does not start with a timestamp");
    return std::nullopt;
  }
  const auto message = parse_docker_log_message(rest);
  if (!message) throw std::runtime_error("TTY log stream: malformed timestamp");
  const std::string_view content = message->content;
  std::size_t length;  // of the message's content
  if (const auto newline = content.find('\n'); newline != std::string_view::npos &&
                                                newline < kDockerPieceBytes + 1) {
    length = newline + 1;
  } else if (content.size() >= kDockerPieceBytes + kDockerTimestampBytes + 1) {
    // No '\n' in the first 16 KiB: Docker's cut, if a time follows.
    if (!starts_with_docker_timestamp(content.substr(kDockerPieceBytes))) {
      const auto newline = content.find('\n');
      if (newline == std::string_view::npos) return std::nullopt;  // wait for more
      length = newline + 1;
    } else {
      length = kDockerPieceBytes;
    }
  } else {
    return std::nullopt;  // need more bytes to tell
  }
  auto record = to_cri_record({message->time, content.substr(0, length)}, LogStream::kStdout);
  offset_ += (rest.size() - content.size()) + length;
  compact();
  return record;
}

std::optional<CriLogRecord> TtyLogSplitter::finish() {
  const std::string_view rest = std::string_view(buffer_).substr(offset_);
  std::optional<CriLogRecord> record;
  if (const auto message = parse_docker_log_message(rest)) {
    record = to_cri_record(*message, LogStream::kStdout);
    record->tag = LogTag::kPartial;
  }
  buffer_.clear();
  offset_ = 0;
  return record;
}

}  // namespace shim
