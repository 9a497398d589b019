// Docker's log messages (GET /containers/{id}/logs?timestamps=1): one
// frame's "<RFC3339Nano> <content>" through parse_docker_log_message and
// to_cri_record (never throws), and a TTY container's raw stream through
// TtyLogSplitter in socket-sized pieces (std::runtime_error when the stream
// does not start with a time is its documented failure). Every record made
// must be writable as a CRI line that reads back the same.
#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <string>

#include "shim/logs/cri_log_record.h"
#include "shim/logs/docker_log_message.h"
#include "tests/fuzz/fuzz_input.h"

namespace {

// The round trip CriLogWriter relies on, for content without '\n'.
void check_record(const shim::CriLogRecord& record) {
  if (record.content.find('\n') != std::string::npos) return;
  std::string line;
  shim::append_cri_log_record(record.time, record.stream, record.tag, record.content, line);
  const auto back = shim::parse_cri_log_line(line);
  if (!back || !(*back == record)) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::FuzzInput input(data, size);
  const std::uint8_t cut = input.byte();
  const std::string_view bytes = input.rest();

  if (const auto message = shim::parse_docker_log_message(bytes)) {
    const auto record = shim::to_cri_record(*message, (cut & 1) ? shim::LogStream::kStderr : shim::LogStream::kStdout);
    check_record(record);
  }
  (void)shim::starts_with_docker_timestamp(bytes);

  shim::TtyLogSplitter splitter;
  try {
    fuzz::feed_in_pieces(bytes, cut, [&](std::string_view piece) {
      splitter.feed(piece);
      while (auto record = splitter.next()) {
        // A whole message ends in '\n' (F) or is one of Docker's 16 KiB pieces (P).
        if (record->tag == shim::LogTag::kPartial && record->content.size() != shim::kDockerPieceBytes) std::abort();
        check_record(*record);
      }
    });
    if (auto rest = splitter.finish()) check_record(*rest);
  } catch (const std::runtime_error&) {
  }
  return 0;
}
