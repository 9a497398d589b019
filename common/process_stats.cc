#include "common/process_stats.h"

#include <sys/resource.h>
#include <cstdlib>
#include <unistd.h>

#include <filesystem>
#include <sstream>
#include <string_view>

#include "common/small_file.h"

namespace common {
namespace {

// "VmRSS:     1234 kB" -> 1234 * 1024; 0 when the line is absent.
std::uint64_t status_kib_field(std::string_view status, std::string_view key) {
  const auto at = status.find(key);
  if (at == std::string_view::npos) return 0;
  return std::strtoull(status.data() + at + key.size(), nullptr, 10) * 1024;
}

}  // namespace

ProcessStats read_process_stats(const std::string& pid) {
  ProcessStats stats;
  const std::string dir = "/proc/" + pid;
  if (const auto status = read_small_file(dir + "/status")) {
    stats.resident_bytes = status_kib_field(*status, "\nVmRSS:");
    stats.virtual_bytes = status_kib_field(*status, "\nVmSize:");
    if (const auto at = status->find("\nThreads:"); at != std::string::npos)
      stats.threads = std::strtoull(status->c_str() + at + 9, nullptr, 10);
  }
  std::error_code error;
  for (auto it = std::filesystem::directory_iterator(dir + "/fd", error);
       !error && it != std::filesystem::directory_iterator(); it.increment(error))
    ++stats.open_fds;
  if (pid == "self") {
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) == 0) stats.max_fds = limit.rlim_cur;
  }
  // /proc/<pid>/stat: the fields after the command's closing parenthesis;
  // utime and stime are the 12th and 13th of them, starttime the 20th (ticks).
  if (const auto stat = read_small_file(dir + "/stat")) {
    const auto close = stat->rfind(')');
    if (close != std::string::npos) {
      std::istringstream fields(stat->substr(close + 2));
      std::string field;
      double ticks_per_second = static_cast<double>(::sysconf(_SC_CLK_TCK));
      for (int index = 1; fields >> field; ++index) {
        if (index == 12 || index == 13) stats.cpu_seconds += std::stod(field) / ticks_per_second;
        if (index == 20) {
          // Ticks after boot; boot time from /proc/stat's btime.
          const auto proc_stat = read_small_file("/proc/stat");
          const auto btime = proc_stat ? proc_stat->find("\nbtime ") : std::string::npos;
          if (btime != std::string::npos)
            stats.start_time_seconds =
                static_cast<double>(std::strtoull(proc_stat->c_str() + btime + 7, nullptr, 10)) +
                std::stod(field) / ticks_per_second;
          break;
        }
      }
    }
  }
  return stats;
}

}  // namespace common
