#include "shim/logs/cri_log_record.h"

#include "common/rfc3339.h"

namespace shim {

std::string_view to_string(LogStream stream) {
  return stream == LogStream::kStdout ? "stdout" : "stderr";
}

std::string_view to_string(LogTag tag) { return tag == LogTag::kPartial ? "P" : "F"; }

void append_cri_log_record(UnixNanos time, LogStream stream, LogTag tag, std::string_view content,
                           std::string& out) {
  // Docker and the CRI log format share Go's RFC3339Nano layout.
  out += common::format_rfc3339_nanos(time);
  out += ' ';
  out += to_string(stream);
  out += ' ';
  out += to_string(tag);
  out += ' ';
  out += content;
  out += '\n';
}

std::optional<CriLogRecord> parse_cri_log_line(std::string_view line) {
  if (!line.empty() && line.back() == '\n') line.remove_suffix(1);

  // Splits off the field before the next space; false when there is none.
  auto next_field = [&line](std::string_view& field) {
    const auto space = line.find(' ');
    if (space == std::string_view::npos) return false;
    field = line.substr(0, space);
    line.remove_prefix(space + 1);
    return true;
  };

  std::string_view time_text, stream_text, tag_text;
  if (!next_field(time_text) || !next_field(stream_text) || !next_field(tag_text)) return std::nullopt;

  CriLogRecord record;
  const auto time = common::try_parse_rfc3339_nanos(time_text);
  if (!time) return std::nullopt;
  record.time = *time;

  if (stream_text == "stdout") {
    record.stream = LogStream::kStdout;
  } else if (stream_text == "stderr") {
    record.stream = LogStream::kStderr;
  } else {
    return std::nullopt;
  }

  tag_text = tag_text.substr(0, tag_text.find(':'));
  if (tag_text == "P") {
    record.tag = LogTag::kPartial;
  } else if (tag_text == "F") {
    record.tag = LogTag::kFull;
  } else {
    return std::nullopt;
  }

  if (line.find('\n') != std::string_view::npos) return std::nullopt;  // more than one line
  record.content = std::string(line);
  return record;
}

}  // namespace shim
