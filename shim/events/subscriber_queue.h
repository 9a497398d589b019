// One GetContainerEvents subscriber's bounded queue. The event source
// pushes without ever waiting; the subscriber's RPC thread pops and writes
// to its client at the client's pace. A subscriber that falls `capacity`
// events behind is not waited for and not buffered further: its queue is
// dropped and closed with RESOURCE_EXHAUSTED, so one slow client can
// neither block the others nor grow the shim's memory.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>

#include <grpcpp/grpcpp.h>

#include "runtime/v1/api.h"

namespace shim::events {

class SubscriberQueue {
 public:
  explicit SubscriberQueue(std::size_t capacity) : capacity_(capacity) {}

  // Queues `event`; when the queue is full, closes it with
  // RESOURCE_EXHAUSTED instead. No effect once closed.
  void push(const cri::ContainerEventResponse& event);

  // Ends the subscription with `status` once what is queued has been taken
  // (OK: a clean end); the first close wins.
  void close(grpc::Status status);

  // The next event, waiting up to `timeout`; nullopt when none came (then
  // see closed()).
  std::optional<cri::ContainerEventResponse> pop(std::chrono::milliseconds timeout);

  // Set once closed and drained: how the subscriber's stream ends.
  std::optional<grpc::Status> closed();

  std::size_t size();

 private:
  const std::size_t capacity_;
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<cri::ContainerEventResponse> queue_;
  std::optional<grpc::Status> closed_;
};

}  // namespace shim::events
