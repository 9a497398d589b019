// Reads the node's eviction signals (signals.h has the arithmetic) with the
// node readers the stats summary uses too (agent/stats): the node's memory
// and the pods' cgroup working set, statfs of the node and image
// filesystems, and the task limit and count.
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

 private:
  SignalPaths paths_;
  std::function<std::optional<std::string>()> imagefs_path_;
  std::optional<int64_t> allocatable_;
  std::function<std::optional<int64_t>()> pods_fallback_;
};

}  // namespace agent::eviction
