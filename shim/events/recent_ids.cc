#include "shim/events/recent_ids.h"

namespace shim::events {

void RecentIds::add(const std::string& id) {
  if (!set_.insert(id).second) return;
  order_.push_back(id);
  if (order_.size() > capacity_) {
    set_.erase(order_.front());
    order_.pop_front();
  }
}

}  // namespace shim::events
