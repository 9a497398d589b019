// Fan-out of CRI container events to every open GetContainerEvents call.
// publish() never waits for a subscriber (subscriber_queue.h); close_all()
// ends every stream (shim shutdown) and refuses later subscriptions.
#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <vector>

#include "shim/events/subscriber_queue.h"

namespace shim::events {

class EventBroadcaster {
 public:
  explicit EventBroadcaster(std::size_t queue_capacity) : capacity_(queue_capacity) {}

  // A new subscriber's queue; already closed (UNAVAILABLE) after close_all().
  std::shared_ptr<SubscriberQueue> subscribe();
  void unsubscribe(const std::shared_ptr<SubscriberQueue>& queue);

  void publish(const cri::ContainerEventResponse& event);
  std::size_t subscribers();

  void close_all(const grpc::Status& status);

 private:
  const std::size_t capacity_;
  std::mutex mutex_;
  bool closed_ = false;
  std::vector<std::shared_ptr<SubscriberQueue>> queues_;
};

}  // namespace shim::events
