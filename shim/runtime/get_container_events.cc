// GetContainerEvents: a server stream of CRI container events for evented
// PLEG (events/container_event_source.h makes them). The call subscribes,
// sends its initial metadata once the source is watching (so a client that
// waits for it knows that what it does next is reported), then writes each
// event as it comes. It ends when the client cancels (CANCELLED), when the
// client falls too far behind (RESOURCE_EXHAUSTED: reconnect and relist),
// or when the shim shuts down (UNAVAILABLE).
#include <spdlog/spdlog.h>

#include "shim/runtime/runtime_service.h"

namespace shim {
namespace {
// How long a new subscription waits for the source's first connection.
constexpr auto kWatchWait = std::chrono::seconds(5);
// How often a quiet stream looks whether its client has gone.
constexpr auto kCancelPoll = std::chrono::milliseconds(200);
}  // namespace

grpc::Status RuntimeService::GetContainerEvents(grpc::ServerContext* context,
                                                const cri::GetEventsRequest*,
                                                grpc::ServerWriter<cri::ContainerEventResponse>* writer) {
  const auto queue = container_events_.subscribe(kWatchWait);
  spdlog::info("GetContainerEvents: subscriber from {}", context->peer());
  struct Unsubscribe {
    events::ContainerEventSource& source;
    const std::shared_ptr<events::SubscriberQueue>& queue;
    ~Unsubscribe() { source.unsubscribe(queue); }
  } unsubscribe{container_events_, queue};
  writer->SendInitialMetadata();
  for (;;) {
    if (context->IsCancelled())
      return grpc::Status(grpc::StatusCode::CANCELLED, "GetContainerEvents: the client went away");
    if (auto event = queue->pop(kCancelPoll)) {
      if (!writer->Write(*event))
        return grpc::Status(grpc::StatusCode::CANCELLED, "GetContainerEvents: the client went away");
      continue;
    }
    if (auto status = queue->closed()) {
      spdlog::info("GetContainerEvents: ending a stream: {}", status->error_message());
      return *status;
    }
  }
}

}  // namespace shim
