#include "agent/events/event_recorder.h"

#include <algorithm>
#include <ctime>
#include <sstream>

#include "common/rfc3339.h"

namespace agent::events {

EventRecorder::EventRecorder(std::size_t capacity, std::function<int64_t()> now)
    : capacity_(std::max<std::size_t>(capacity, 1)), now_(std::move(now)) {
  if (!now_) now_ = [] { return static_cast<int64_t>(std::time(nullptr)); };
}

void EventRecorder::record(const PodRef& pod, const std::string& container, EventType type,
                           const std::string& reason, const std::string& message) {
  const int64_t now = now_();
  std::lock_guard lock(mutex_);
  const Key key{pod.uid, container, type, reason, message};
  if (auto it = index_.find(key); it != index_.end()) {
    Event& event = *it->second;
    ++event.count;
    event.last_timestamp = now;
    recent_.splice(recent_.end(), recent_, it->second);  // most recently seen last
    return;
  }
  if (recent_.size() >= capacity_) {
    const Event& oldest = recent_.front();
    index_.erase(Key{oldest.pod.uid, oldest.container, oldest.type, oldest.reason, oldest.message});
    recent_.pop_front();
  }
  Event event{pod, container, type, reason, message, 1, now, now, next_serial_++};
  recent_.push_back(std::move(event));
  index_.emplace(key, std::prev(recent_.end()));
}

std::vector<Event> EventRecorder::list(const std::optional<std::pair<std::string, std::string>>& pod) const {
  std::vector<Event> out;
  {
    std::lock_guard lock(mutex_);
    for (const auto& e : recent_)
      if (!pod || (e.pod.namespace_ == pod->first && e.pod.name == pod->second)) out.push_back(e);
  }
  std::sort(out.begin(), out.end(), [](const Event& a, const Event& b) { return a.serial < b.serial; });
  return out;
}

namespace {

std::string time_of(int64_t seconds) { return common::format_rfc3339_nanos(seconds * 1000000000LL); }

std::string event_name(const Event& e) {
  // kubelet names an event "<pod>.<hex of its creation time in ns>"; the
  // serial keeps names unique within this agent.
  std::ostringstream name;
  name << e.pod.name << "." << std::hex << (static_cast<uint64_t>(e.first_timestamp) * 1000000000ULL + e.serial);
  return name.str();
}

}  // namespace

nlohmann::json event_list_to_json(const std::vector<Event>& events, const std::string& host) {
  nlohmann::json items = nlohmann::json::array();
  for (const auto& e : events) {
    const bool node = e.pod.kind == "Node";
    nlohmann::json involved = {{"kind", e.pod.kind}, {"name", e.pod.name}, {"uid", e.pod.uid}, {"apiVersion", "v1"}};
    if (!node) involved["namespace"] = e.pod.namespace_;
    if (!e.container.empty()) involved["fieldPath"] = "spec.containers{" + e.container + "}";
    // A node's events live in "default", as the API server keeps kubelet's.
    items.push_back({{"apiVersion", "v1"},
                     {"kind", "Event"},
                     {"metadata", {{"name", event_name(e)}, {"namespace", node ? "default" : e.pod.namespace_}}},
                     {"involvedObject", std::move(involved)},
                     {"reason", e.reason},
                     {"message", e.message},
                     {"source", {{"component", "kubelet"}, {"host", host}}},
                     {"firstTimestamp", time_of(e.first_timestamp)},
                     {"lastTimestamp", time_of(e.last_timestamp)},
                     {"count", e.count},
                     {"type", e.type == EventType::Warning ? "Warning" : "Normal"}});
  }
  return {{"apiVersion", "v1"}, {"kind", "EventList"}, {"metadata", nlohmann::json::object()}, {"items", items}};
}

}  // namespace agent::events
