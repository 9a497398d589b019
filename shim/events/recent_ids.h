// A bounded set of the IDs most recently added (oldest forgotten first):
// the containers whose deletion was reported, so that an event Docker
// replays for one of them afterwards (after a reconnection, `since` goes
// back in time) cannot bring it back. Docker never reuses an ID, and its
// replay buffer holds a few hundred events, so a few thousand suffice.
#pragma once

#include <cstddef>
#include <deque>
#include <string>
#include <unordered_set>

namespace shim::events {

class RecentIds {
 public:
  explicit RecentIds(std::size_t capacity) : capacity_(capacity) {}
  void add(const std::string& id);
  bool contains(const std::string& id) const { return set_.count(id) != 0; }
  std::size_t size() const { return set_.size(); }

 private:
  const std::size_t capacity_;
  std::deque<std::string> order_;
  std::unordered_set<std::string> set_;
};

}  // namespace shim::events
