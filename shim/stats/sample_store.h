// The previous CPU reading of each container and pod, so that a stats call
// can report usage_nano_cores (CPU cores in use, in billionths) as the
// cumulative usage's growth over the time between two readings, as
// containerd and cAdvisor do.
//
// The base reading is replaced only once it is `min_window` old: two calls
// a few milliseconds apart would otherwise give a rate from noise. Within
// the window the last rate computed is repeated. A counter that went back
// (the container restarted: a new cgroup) starts over. Thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace shim::stats {

class SampleStore {
 public:
  explicit SampleStore(std::chrono::nanoseconds min_window) : min_window_(min_window) {}

  // Records `cpu_ns` of `key` read at `timestamp_ns` (wall clock) and
  // answers the rate in nano cores; nullopt until two readings exist.
  std::optional<std::uint64_t> nano_cores(const std::string& key, std::int64_t timestamp_ns,
                                          std::uint64_t cpu_ns);
  // Forgets the keys not updated for `age` (removed containers and pods).
  void prune(std::chrono::nanoseconds age, std::int64_t now_ns);
  std::size_t size() const;

 private:
  struct Entry {
    std::int64_t base_timestamp_ns = 0;
    std::uint64_t base_cpu_ns = 0;
    std::int64_t last_seen_ns = 0;
    std::optional<std::uint64_t> rate;
  };
  std::chrono::nanoseconds min_window_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;
};

}  // namespace shim::stats
