// Disk use of containers' writable layers (overlay2's UpperDir), walked as
// `du` does (fs_usage.h) and remembered for a short time: kubelet
// asks every 10 s, a benchmark or several clients far more often, and a
// walk costs in proportion to the files the container wrote.
// Thread-safe; concurrent callers for different layers walk in parallel.
#pragma once

#include <chrono>
#include <mutex>
#include <string>
#include <unordered_map>

#include "shim/stats/fs_usage.h"

namespace shim::stats {

class WritableLayerUsage {
 public:
  explicit WritableLayerUsage(std::chrono::milliseconds max_age) : max_age_(max_age) {}

  // The usage of the tree at `upper_dir`, walked at most `max_age` ago.
  FsUsage get(const std::string& upper_dir);
  // Drops the walks older than a minute (layers of removed containers).
  void prune();

 private:
  struct Walk {
    FsUsage usage;
    std::chrono::steady_clock::time_point at;
  };
  std::chrono::milliseconds max_age_;
  std::mutex mutex_;
  std::unordered_map<std::string, Walk> walks_;
};

}  // namespace shim::stats
