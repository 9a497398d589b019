#include "shim/logs/cri_log_writer.h"

namespace shim {

CriLogWriter::CriLogWriter(std::size_t max_line_bytes) : max_line_bytes_(max_line_bytes) {}

void CriLogWriter::split_long(LogStream stream, std::string& line, std::size_t keep, UnixNanos time,
                              std::string& out) const {
  if (max_line_bytes_ == 0) return;
  std::size_t written = 0;
  while (line.size() - written > max_line_bytes_ + keep) {
    append_cri_log_record(time, stream, LogTag::kPartial,
                          std::string_view(line).substr(written, max_line_bytes_), out);
    written += max_line_bytes_;
  }
  line.erase(0, written);
}

void CriLogWriter::write(LogStream stream, std::string_view bytes, UnixNanos time, std::string& out) {
  std::string& line = pending(stream);
  while (!bytes.empty()) {
    const auto newline = bytes.find('\n');
    if (newline == std::string_view::npos) {
      line.append(bytes);
      // A final '\r' may be the first half of a "\r\n" ending that is not
      // content, so it does not count against the limit until we know.
      split_long(stream, line, !line.empty() && line.back() == '\r' ? 1 : 0, time, out);
      return;
    }
    line.append(bytes.substr(0, newline));
    bytes.remove_prefix(newline + 1);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    split_long(stream, line, 0, time, out);
    append_cri_log_record(time, stream, LogTag::kFull, line, out);
    line.clear();
  }
}

void CriLogWriter::finish(LogStream stream, UnixNanos time, std::string& out) {
  std::string& line = pending(stream);
  if (line.empty()) return;
  split_long(stream, line, 0, time, out);
  append_cri_log_record(time, stream, LogTag::kPartial, line, out);
  line.clear();
}

}  // namespace shim
