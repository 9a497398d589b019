// The share of one core a process used between two samples, for the soaks'
// CPU columns. At a soak's constant pace the work per minute is constant;
// CPU per minute that grows means something scans more with every pod
// already made, a leak that RSS may not show.
#pragma once

#include <sys/types.h>

#include <chrono>

#include "bench/bench_util.h"

namespace bench {

class CpuShare {
 public:
  explicit CpuShare(pid_t pid) : pid_(pid) { percent(); }

  // User plus system time since the previous call (or construction), in %
  // of one core's wall time; 0 when the process cannot be read.
  double percent() {
    const double cpu = cpu_seconds_of(pid_);
    if (cpu < 0) return 0;  // unreadable: the next share spans both periods
    const auto now = std::chrono::steady_clock::now();
    const double wall = std::chrono::duration<double>(now - last_wall_).count();
    const double share = cpu >= last_cpu_ && wall > 0 ? 100.0 * (cpu - last_cpu_) / wall : 0.0;
    last_cpu_ = cpu;
    last_wall_ = now;
    return share;
  }

 private:
  pid_t pid_;
  double last_cpu_ = 0;
  std::chrono::steady_clock::time_point last_wall_ = std::chrono::steady_clock::now();
};

}  // namespace bench
