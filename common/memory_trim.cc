#include "common/memory_trim.h"

#include <malloc.h>
#include <sys/mman.h>

#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>

namespace common {
namespace {

struct Mapping {
  std::uintptr_t start = 0, end = 0;
  std::string perms, path;
  std::size_t rss_kib = 0, anonymous_kib = 0;
  bool droppable() const {
    // Read-only (no 'w'), private, backed by a file, and with no page of
    // its own: only then are all its resident pages clean copies of the file.
    return perms.size() == 4 && perms[1] != 'w' && perms[3] == 'p' && !path.empty() &&
           path.front() == '/' && anonymous_kib == 0 && rss_kib > 0;
  }
};

std::size_t drop(const Mapping& mapping) {
  if (!mapping.droppable()) return 0;
  if (::madvise(reinterpret_cast<void*>(mapping.start), mapping.end - mapping.start,
                MADV_DONTNEED) != 0)
    return 0;
  return mapping.rss_kib;
}

}  // namespace

std::size_t drop_startup_code_pages() {
  std::ifstream smaps("/proc/self/smaps");
  std::string line;
  Mapping current;
  bool have = false;
  std::size_t dropped = 0;
  while (std::getline(smaps, line)) {
    const auto colon = line.find(':');
    const auto space = line.find(' ');
    // A mapping header starts with "start-end perms ..."; field lines with "Name:".
    if (space != std::string::npos && (colon == std::string::npos || colon > space) &&
        line.find('-') < space) {
      if (have) dropped += drop(current);
      current = Mapping{};
      have = true;
      std::istringstream header(line);
      std::string range, offset, device, inode;
      header >> range >> current.perms >> offset >> device >> inode;
      std::getline(header >> std::ws, current.path);
      const auto dash = range.find('-');
      current.start = std::stoull(range.substr(0, dash), nullptr, 16);
      current.end = std::stoull(range.substr(dash + 1), nullptr, 16);
    } else if (line.rfind("Rss:", 0) == 0) {
      current.rss_kib = std::stoull(line.substr(4));
    } else if (line.rfind("Anonymous:", 0) == 0) {
      current.anonymous_kib = std::stoull(line.substr(10));
    }
  }
  if (have) dropped += drop(current);
  return dropped;
}

void limit_malloc_retention() {
  ::mallopt(M_ARENA_MAX, 2);
  ::mallopt(M_MMAP_THRESHOLD, 64 << 10);
  ::mallopt(M_TRIM_THRESHOLD, 128 << 10);
}

HeapUsage heap_usage() {
  const auto info = ::mallinfo2();
  return {info.uordblks + info.hblkhd, info.fordblks};
}

}  // namespace common
