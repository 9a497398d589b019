// The containers the kernel OOM-killed, as the OOM watcher saw them, so a
// pod's status says OOMKilled for them even where the runtime reports a
// plain exit (cri-shim already reports Docker's OOMKilled for a container
// killed by its own memory limit; a container killed by a node-wide OOM is
// what this catches). Bounded: the oldest IDs go first. Thread-safe.
#pragma once

#include <cstddef>
#include <deque>
#include <mutex>
#include <set>
#include <string>

#include "agent/status/pod_status.h"

namespace agent::oom {

class OomKilledContainers {
 public:
  explicit OomKilledContainers(std::size_t capacity = 1024) : capacity_(capacity) {}

  void add(const std::string& container_id);
  bool contains(const std::string& container_id) const;
  // Every terminated container state (current and last) of `status` whose
  // container was OOM-killed gets reason OOMKilled.
  void mark(status::PodStatus& status) const;

 private:
  std::size_t capacity_;
  mutable std::mutex mutex_;
  std::set<std::string> ids_;
  std::deque<std::string> order_;
};

}  // namespace agent::oom
