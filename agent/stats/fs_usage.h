// Filesystem figures kubelet's Summary and eviction read: a filesystem's
// capacity from statfs (cAdvisor's GetDirFsInfo), and a directory's usage
// walked as kubelet's `du` metrics do (emptyDir volumes, container logs).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace agent::stats {

struct FsInfo {
  int64_t time_ns = 0;
  uint64_t capacity_bytes = 0;   // f_blocks * f_frsize
  uint64_t available_bytes = 0;  // f_bavail: what an unprivileged writer may still use
  uint64_t used_bytes = 0;       // (f_blocks - f_bfree) * f_frsize
  uint64_t inodes = 0;
  uint64_t inodes_free = 0;
  uint64_t inodes_used() const { return inodes > inodes_free ? inodes - inodes_free : 0; }
};

// The filesystem holding `path`, or the one it will be on: a path not made
// yet (--root-dir is made on first use) is measured at its nearest existing
// ancestor. nullopt for "" or when statfs fails.
std::optional<FsInfo> stat_filesystem(const std::string& path);

struct DirUsage {
  uint64_t bytes = 0;   // allocated blocks (st_blocks * 512), as du
  uint64_t inodes = 0;  // entries, the directory itself included
};

// Walks `path` without following symlinks nor crossing into other
// filesystems below it (a tmpfs emptyDir is measured as the mount it is).
// A missing path is {0, 0}; entries that vanish during the walk are skipped.
DirUsage directory_usage(const std::string& path);

}  // namespace agent::stats
