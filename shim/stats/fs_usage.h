// Disk use of a directory tree (bytes in allocated blocks and inodes), as
// `du` counts it: each hard-linked inode once. Used for ImageFsInfo.
//
// Walking Docker's storage is proportional to its file count, so the result
// is cached: callers within `max_age` of the last walk get that walk's figures
// (and its timestamp), and concurrent callers share one walk.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

namespace shim::stats {

struct FsUsage {
  std::uint64_t used_bytes = 0;
  std::uint64_t inodes_used = 0;
  std::int64_t timestamp_ns = 0;  // wall clock of the walk, unix nanoseconds
};

// Walks every tree in `roots` (missing ones count as empty) without following
// symlinks or crossing into other filesystems.
FsUsage measure_disk_usage(const std::vector<std::string>& roots);

class FsUsageCache {
 public:
  explicit FsUsageCache(std::chrono::seconds max_age) : max_age_(max_age) {}
  FsUsage get(const std::vector<std::string>& roots);

 private:
  std::chrono::seconds max_age_;
  std::mutex mutex_;
  std::vector<std::string> roots_;
  FsUsage cached_;
  std::chrono::steady_clock::time_point measured_at_{};
  bool valid_ = false;
};

}  // namespace shim::stats
