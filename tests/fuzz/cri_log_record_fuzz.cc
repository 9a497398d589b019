// CRI log files as they are read back: parse_cri_log_line one line at a
// time (kubelet's parseCRILog rules; nullopt is its only failure), and the
// position a file's tail shows (position_from_text, what ReopenContainerLog
// and a restarted follower resume from). A record that parses must write
// back to the same line, apart from what parsing drops (the tag's ":..."
// suffix, the time's zone and precision).
#include <cstdint>
#include <cstdlib>
#include <string>

#include "shim/logs/cri_log_record.h"
#include "shim/logs/log_position.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find('\n', start);
    end = end == std::string_view::npos ? text.size() : end + 1;
    if (const auto record = shim::parse_cri_log_line(text.substr(start, end - start))) {
      if (record->content.find('\n') != std::string::npos) std::abort();
      std::string line;
      shim::append_cri_log_record(record->time, record->stream, record->tag, record->content, line);
      const auto back = shim::parse_cri_log_line(line);
      if (!back || !(*back == *record)) std::abort();
    }
    start = end;
  }

  // position_from_text takes a tail that ends in '\n' (the file reader cuts
  // a torn last line first).
  std::string tail(text);
  if (!tail.empty() && tail.back() != '\n') tail.erase(tail.rfind('\n') == std::string::npos ? 0 : tail.rfind('\n') + 1);
  const auto position = shim::position_from_text(tail);
  (void)position.resume_since();
  return 0;
}
