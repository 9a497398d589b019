// The user of each running container's first process, for ContainerStatus.
// CRI reports "the user identity initially attached to the first process",
// which cannot change while that process lives; reading it from
// /proc/<pid>/status costs more than the rest of a ContainerStatus answered
// from memory (the kernel writes the whole status file for it), and kubelet
// asks often. So it is read once per process and kept, with two exceptions:
//   - a process still running the runtime's init (runc re-executes itself as
//     "exe" or names itself "runc:[...]" until it executes the container's
//     command) is read again each time: it may not be the container's user yet;
//   - a kept user is given only while its process exists (one access() of
//     /proc/<pid>), so a process that died before Docker noticed reports no
//     user, as a fresh read would.
// Thread-safe.
#pragma once

#include <cstddef>
#include <mutex>
#include <string>
#include <unordered_map>

#include "docker-client/types.h"
#include "shim/runtime/prune_schedule.h"

namespace shim {

class ProcessUserCache {
 public:
  explicit ProcessUserCache(std::string proc_root = "/proc") : proc_root_(std::move(proc_root)) {}

  // The user of `container`'s process as a serialized cri::ContainerStatus
  // holding only `user`; empty when there is none (the container does not
  // run, or its process is gone).
  std::string serialized_user(const docker::ContainerInspect& container);

 private:
  struct Kept {
    int pid = 0;
    std::string bytes;
  };
  bool process_exists(int pid) const;
  void prune();  // users of processes that are gone

  const std::string proc_root_;
  std::mutex mutex_;
  std::unordered_map<std::string, Kept> by_container_;
  PruneSchedule prune_schedule_{4096, 256};
};

}  // namespace shim
