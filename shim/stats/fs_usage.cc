#include "shim/stats/fs_usage.h"

#include <fts.h>
#include <sys/stat.h>

#include <set>
#include <utility>

namespace shim::stats {

FsUsage measure_disk_usage(const std::vector<std::string>& roots) {
  FsUsage usage;
  usage.timestamp_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count();
  std::set<std::pair<dev_t, ino_t>> seen;
  for (const auto& root : roots) {
    char* paths[] = {const_cast<char*>(root.c_str()), nullptr};
    FTS* tree = fts_open(paths, FTS_PHYSICAL | FTS_NOCHDIR | FTS_XDEV, nullptr);
    if (tree == nullptr) continue;
    while (FTSENT* entry = fts_read(tree)) {
      if (entry->fts_info == FTS_DP || entry->fts_statp == nullptr) continue;  // post-order visit
      if (entry->fts_info == FTS_NS || entry->fts_info == FTS_ERR) continue;
      const struct stat& st = *entry->fts_statp;
      // Only hard-linked files can be met twice; skip the set for the rest.
      if (!S_ISDIR(st.st_mode) && st.st_nlink > 1 && !seen.emplace(st.st_dev, st.st_ino).second)
        continue;
      usage.inodes_used += 1;
      usage.used_bytes += static_cast<std::uint64_t>(st.st_blocks) * 512;
    }
    fts_close(tree);
  }
  return usage;
}

FsUsage FsUsageCache::get(const std::vector<std::string>& roots) {
  std::lock_guard lock(mutex_);
  const auto now = std::chrono::steady_clock::now();
  if (!valid_ || roots != roots_ || now - measured_at_ >= max_age_) {
    cached_ = measure_disk_usage(roots);
    roots_ = roots;
    measured_at_ = now;
    valid_ = true;
  }
  return cached_;
}

}  // namespace shim::stats
