#include "shim/events/event_broadcaster.h"

#include <algorithm>

namespace shim::events {

std::shared_ptr<SubscriberQueue> EventBroadcaster::subscribe() {
  auto queue = std::make_shared<SubscriberQueue>(capacity_);
  std::lock_guard lock(mutex_);
  if (closed_)
    queue->close(grpc::Status(grpc::StatusCode::UNAVAILABLE, "cri-shim is shutting down"));
  else
    queues_.push_back(queue);
  return queue;
}

void EventBroadcaster::unsubscribe(const std::shared_ptr<SubscriberQueue>& queue) {
  std::lock_guard lock(mutex_);
  queues_.erase(std::remove(queues_.begin(), queues_.end(), queue), queues_.end());
}

void EventBroadcaster::publish(const cri::ContainerEventResponse& event) {
  std::lock_guard lock(mutex_);
  for (const auto& queue : queues_) queue->push(event);
}

std::size_t EventBroadcaster::subscribers() {
  std::lock_guard lock(mutex_);
  return queues_.size();
}

void EventBroadcaster::close_all(const grpc::Status& status) {
  std::lock_guard lock(mutex_);
  closed_ = true;
  for (const auto& queue : queues_) queue->close(status);
  queues_.clear();
}

}  // namespace shim::events
