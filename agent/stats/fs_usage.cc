#include "agent/stats/fs_usage.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>

namespace agent::stats {

namespace {

int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Adds the entries under the open directory `dir_fd` (closed here).
void walk(int dir_fd, dev_t device, DirUsage& usage) {
  DIR* dir = ::fdopendir(dir_fd);
  if (dir == nullptr) {
    ::close(dir_fd);
    return;
  }
  while (const dirent* entry = ::readdir(dir)) {
    const std::string_view name(entry->d_name);
    if (name == "." || name == "..") continue;
    struct stat st {};
    if (::fstatat(::dirfd(dir), entry->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) continue;
    if (st.st_dev != device) continue;  // another mount below: not this directory's usage
    usage.bytes += static_cast<uint64_t>(st.st_blocks) * 512;
    usage.inodes += 1;
    if (S_ISDIR(st.st_mode)) {
      const int child = ::openat(::dirfd(dir), entry->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (child >= 0) walk(child, device, usage);
    }
  }
  ::closedir(dir);
}

}  // namespace

std::optional<FsInfo> stat_filesystem(const std::string& path) {
  if (path.empty()) return std::nullopt;
  std::filesystem::path at(path);
  std::error_code ec;
  while (!std::filesystem::exists(at, ec) && at.has_parent_path() && at != at.parent_path()) at = at.parent_path();
  struct statvfs s {};
  if (::statvfs(at.c_str(), &s) != 0) return std::nullopt;
  FsInfo info;
  info.time_ns = now_ns();
  const uint64_t unit = s.f_frsize ? s.f_frsize : s.f_bsize;
  info.capacity_bytes = static_cast<uint64_t>(s.f_blocks) * unit;
  info.available_bytes = static_cast<uint64_t>(s.f_bavail) * unit;
  info.used_bytes = static_cast<uint64_t>(s.f_blocks - s.f_bfree) * unit;
  info.inodes = s.f_files;
  info.inodes_free = s.f_ffree;
  return info;
}

DirUsage directory_usage(const std::string& path) {
  DirUsage usage;
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) return usage;
  usage.bytes = static_cast<uint64_t>(st.st_blocks) * 512;
  usage.inodes = 1;
  if (!S_ISDIR(st.st_mode)) return usage;
  const int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd >= 0) walk(fd, st.st_dev, usage);
  return usage;
}

}  // namespace agent::stats
