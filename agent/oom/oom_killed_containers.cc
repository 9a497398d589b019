#include "agent/oom/oom_killed_containers.h"

namespace agent::oom {

namespace {

// "docker://<id>" -> "<id>".
std::string bare(const std::string& id) {
  const auto sep = id.find("://");
  return sep == std::string::npos ? id : id.substr(sep + 3);
}

}  // namespace

void OomKilledContainers::add(const std::string& container_id) {
  std::lock_guard lock(mutex_);
  if (!ids_.insert(container_id).second) return;
  order_.push_back(container_id);
  if (order_.size() > capacity_) {
    ids_.erase(order_.front());
    order_.pop_front();
  }
}

bool OomKilledContainers::contains(const std::string& container_id) const {
  std::lock_guard lock(mutex_);
  return ids_.count(bare(container_id)) > 0;
}

void OomKilledContainers::mark(status::PodStatus& status) const {
  {
    std::lock_guard lock(mutex_);
    if (ids_.empty()) return;
  }
  for (auto* list : {&status.init_container_statuses, &status.container_statuses})
    for (auto& c : *list)
      for (auto* state : {&c.state, &c.last_state})
        if (state->terminated && state->terminated->reason != "OOMKilled" &&
            contains(state->terminated->container_id.empty() ? c.container_id : state->terminated->container_id))
          state->terminated->reason = "OOMKilled";
}

}  // namespace agent::oom
