// What went wrong in the log copy, counted for the whole process (cri-shim's
// /metrics): every follower adds to the one its LogManager owns.
#pragma once

#include <atomic>
#include <cstdint>

namespace shim {

struct LogCounters {
  // Docker log messages that could not be copied (no timestamp): lost.
  std::atomic<std::uint64_t> messages_dropped{0};
  // Writes to a CRI log file that failed (a full disk): retried, nothing lost.
  std::atomic<std::uint64_t> write_failures{0};
  // Docker log streams that broke and were resumed.
  std::atomic<std::uint64_t> stream_breaks{0};
};

}  // namespace shim
