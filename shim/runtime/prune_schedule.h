// When a cache whose stale entries can only be found by a scan should scan
// for them: every `every` uses, and as soon as it has doubled in size since
// the last scan (counting from at least `floor` entries). Counting uses
// alone bounds nothing when uses are rare: the soak found a cache of
// container statuses holding 8 MiB of removed containers' views after 37
// minutes of 2 pods a second and few status calls. With the size rule,
// stale entries never outnumber live ones by much, whatever the rate of
// use, and a scan costs O(1) per insertion, amortized.
#pragma once

#include <algorithm>
#include <cstddef>

namespace shim {

class PruneSchedule {
 public:
  PruneSchedule(std::size_t every, std::size_t floor) : every_(every), floor_(floor), next_size_(floor) {}

  // Counts a use of a cache now holding `size` entries; true when it should scan.
  bool due(std::size_t size) { return ++uses_ >= every_ || size >= next_size_; }
  // The scan is done; the cache now holds `size` entries.
  void pruned(std::size_t size) {
    uses_ = 0;
    next_size_ = std::max(floor_, 2 * size);
  }

 private:
  const std::size_t every_, floor_;
  std::size_t uses_ = 0, next_size_;
};

}  // namespace shim
