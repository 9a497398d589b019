// The events kubelet records for pods (Pulling, Pulled, Created, Started,
// Killing, BackOff, Unhealthy, Failed, FailedPostStartHook, ...), kept in
// memory for GET /events (kubelet's record.EventRecorder, with the API
// server's role played by a bounded ring).
//
// Contract:
// - An event equal to one already held (same pod, container, type, reason
//   and message) is not added again: its count goes up and its last time
//   moves, as kubelet's event correlator aggregates repeats.
// - At most `capacity` events are held; the oldest (least recently seen)
//   goes first.
// - Thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <list>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include <nlohmann/json.hpp>

namespace agent::events {

// The pod an event is about; or, with kind "Node", the node itself
// (namespace "", name and uid the node's name, as kubelet's nodeRef).
struct PodRef {
  std::string namespace_;
  std::string name;
  std::string uid;
  std::string kind = "Pod";
};
// The node's own reference, for its events (SystemOOM, EvictionThresholdMet).
inline PodRef node_ref(const std::string& node_name) { return PodRef{"", node_name, node_name, "Node"}; }

enum class EventType { Normal, Warning };

struct Event {
  PodRef pod;
  std::string container;  // "" when the event is about the pod
  EventType type = EventType::Normal;
  std::string reason;
  std::string message;
  int32_t count = 1;
  int64_t first_timestamp = 0;  // Unix seconds
  int64_t last_timestamp = 0;
  uint64_t serial = 0;  // the order events were first recorded in; names them
};

class EventRecorder {
 public:
  explicit EventRecorder(std::size_t capacity = 1000, std::function<int64_t()> now = {});

  void record(const PodRef& pod, const std::string& container, EventType type, const std::string& reason,
              const std::string& message);
  // Every event held (of one pod when `pod` names one: namespace and name),
  // oldest first by first time.
  std::vector<Event> list(const std::optional<std::pair<std::string, std::string>>& pod = std::nullopt) const;

 private:
  using Key = std::tuple<std::string, std::string, EventType, std::string, std::string>;

  std::size_t capacity_;
  std::function<int64_t()> now_;
  mutable std::mutex mutex_;
  uint64_t next_serial_ = 1;
  std::list<Event> recent_;  // least recently seen first
  std::map<Key, std::list<Event>::iterator> index_;
};

// A core/v1 EventList of `events` as the API server serves it (involvedObject
// the Pod, with fieldPath spec.containers{name} for a container's; source
// component kubelet on `host`).
nlohmann::json event_list_to_json(const std::vector<Event>& events, const std::string& host);

}  // namespace agent::events
