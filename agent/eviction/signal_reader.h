// Reads the node's eviction signals from the kernel (signals.h has the
// arithmetic): /proc/meminfo, /proc/sys/kernel/{pid_max,threads-max},
// /proc/loadavg, the memory cgroup files (v1: memory.usage_in_bytes and
// memory.stat's total_inactive_file; v2: memory.current and memory.stat's
// inactive_file), and statfs of the node and image filesystems.
//
// Every root is injectable so unit tests read fixed files from a temp dir.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "agent/eviction/signals.h"

namespace agent::eviction {

struct SignalPaths {
  std::string proc_root = "/proc";
  std::string cgroup_root = "/sys/fs/cgroup";  // v2 when it holds cgroup.controllers, else v1's memory/ under it
  std::string pods_cgroup = "/kubepods";       // the pods' cgroup, from the memory controller's root; "": none
  std::string nodefs_path = "/var/lib/node-agent";  // --root-dir
};

class SignalReader {
 public:
  // `imagefs_path` gives the image filesystem's mount point (CRI
  // ImageFsInfo's), nullopt when the runtime does not say; `allocatable` the
  // node allocatable memory; `pods_working_set_fallback` the pods' working
  // set when the pods' cgroup does not exist (pods outside it).
  SignalReader(SignalPaths paths, std::function<std::optional<std::string>()> imagefs_path,
               std::optional<int64_t> allocatable,
               std::function<std::optional<int64_t>()> pods_working_set_fallback = {});

  NodeReadings read() const;

  // The working set of a memory cgroup (relative to the controller's
  // root, "/" for the root), nullopt when it is not there.
  std::optional<int64_t> cgroup_working_set(const std::string& cgroup) const;
  // statfs of `path`, or of its nearest existing ancestor.
  static std::optional<FsReading> statfs(const std::string& path);

 private:
  std::optional<std::string> read_file(const std::string& path) const;

  SignalPaths paths_;
  std::function<std::optional<std::string>()> imagefs_path_;
  std::optional<int64_t> allocatable_;
  std::function<std::optional<int64_t>()> pods_fallback_;
  bool v2_ = false;
};

}  // namespace agent::eviction
