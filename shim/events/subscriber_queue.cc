#include "shim/events/subscriber_queue.h"

#include <string>

namespace shim::events {

void SubscriberQueue::push(const cri::ContainerEventResponse& event) {
  {
    std::lock_guard lock(mutex_);
    if (closed_) return;
    if (queue_.size() >= capacity_) {
      // Dropping events silently would leave the client with a wrong
      // picture; ending the stream makes it reconnect and relist.
      queue_.clear();
      closed_ = grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                             "GetContainerEvents: this client fell " + std::to_string(capacity_) +
                                 " events behind; its stream is ended (reconnect and relist)");
    } else {
      queue_.push_back(event);
    }
  }
  ready_.notify_all();
}

void SubscriberQueue::close(grpc::Status status) {
  {
    std::lock_guard lock(mutex_);
    if (closed_) return;
    closed_ = std::move(status);
  }
  ready_.notify_all();
}

std::optional<cri::ContainerEventResponse> SubscriberQueue::pop(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  ready_.wait_for(lock, timeout, [this] { return !queue_.empty() || closed_.has_value(); });
  if (queue_.empty()) return std::nullopt;
  auto event = std::move(queue_.front());
  queue_.pop_front();
  return event;
}

std::optional<grpc::Status> SubscriberQueue::closed() {
  std::lock_guard lock(mutex_);
  if (!queue_.empty()) return std::nullopt;
  return closed_;
}

std::size_t SubscriberQueue::size() {
  std::lock_guard lock(mutex_);
  return queue_.size();
}

}  // namespace shim::events
