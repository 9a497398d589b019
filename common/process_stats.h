// This process as /proc shows it, for the process_* metrics Prometheus
// clients export (process_resident_memory_bytes, process_open_fds, ...).
#pragma once

#include <cstdint>
#include <string>

namespace common {

struct ProcessStats {
  std::uint64_t resident_bytes = 0;   // VmRSS
  std::uint64_t virtual_bytes = 0;    // VmSize
  std::uint64_t threads = 0;
  std::uint64_t open_fds = 0;
  std::uint64_t max_fds = 0;          // the soft RLIMIT_NOFILE
  double cpu_seconds = 0;             // user + system
  double start_time_seconds = 0;      // since the Unix epoch
};

// Reads /proc/<pid>/ ("self" by default); fields it cannot read stay 0.
ProcessStats read_process_stats(const std::string& pid = "self");

}  // namespace common
