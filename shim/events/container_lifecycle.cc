#include "shim/events/container_lifecycle.h"

namespace shim::events {

std::optional<Phase> phase_of_docker_state(std::string_view state) {
  if (state == "created") return Phase::kCreated;
  if (state == "running" || state == "paused" || state == "restarting") return Phase::kRunning;
  if (state == "exited" || state == "dead") return Phase::kExited;
  return std::nullopt;
}

std::string started_at_of(std::string_view started_at) {
  // Docker's zero time.Time: "0001-01-01T00:00:00Z".
  if (started_at.empty() || started_at.rfind("0001-01-01", 0) == 0) return "";
  return std::string(started_at);
}

std::optional<cri::ContainerEventType> cri_event_for_docker_action(std::string_view action) {
  if (action == "create") return cri::CONTAINER_CREATED_EVENT;
  if (action == "start" || action == "restart") return cri::CONTAINER_STARTED_EVENT;
  if (action == "die") return cri::CONTAINER_STOPPED_EVENT;
  if (action == "destroy") return cri::CONTAINER_DELETED_EVENT;
  return std::nullopt;
}

namespace {

constexpr auto kCreated = cri::CONTAINER_CREATED_EVENT;
constexpr auto kStarted = cri::CONTAINER_STARTED_EVENT;
constexpr auto kStopped = cri::CONTAINER_STOPPED_EVENT;
constexpr auto kDeleted = cri::CONTAINER_DELETED_EVENT;

// A run that began after the one reported (both known).
bool started_again(const ContainerPhase& reported, const ContainerPhase& now) {
  return !reported.started_at.empty() && !now.started_at.empty() &&
         now.started_at != reported.started_at;
}

}  // namespace

std::vector<cri::ContainerEventType> owed_events(const std::optional<ContainerPhase>& reported,
                                                 const std::optional<ContainerPhase>& now) {
  std::vector<cri::ContainerEventType> owed;
  if (!reported) {
    // Never reported: everything it went through, as far as Docker shows.
    if (!now) return owed;  // came and went unseen: nothing to say about it
    owed.push_back(kCreated);
    if (now->phase == Phase::kRunning) owed.push_back(kStarted);
    if (now->phase == Phase::kExited) {
      if (!now->started_at.empty()) owed.push_back(kStarted);
      owed.push_back(kStopped);
    }
    return owed;
  }
  if (!now) {
    if (reported->phase == Phase::kRunning) owed.push_back(kStopped);
    owed.push_back(kDeleted);
    return owed;
  }
  switch (reported->phase) {
    case Phase::kCreated:
      if (now->phase == Phase::kRunning) owed.push_back(kStarted);
      if (now->phase == Phase::kExited) {
        if (!now->started_at.empty()) owed.push_back(kStarted);
        owed.push_back(kStopped);
      }
      break;
    case Phase::kRunning:
      if (now->phase == Phase::kExited) {
        owed.push_back(kStopped);
        if (started_again(*reported, *now)) {
          owed.push_back(kStarted);
          owed.push_back(kStopped);
        }
      } else if (now->phase == Phase::kRunning && started_again(*reported, *now)) {
        owed.push_back(kStopped);
        owed.push_back(kStarted);
      }
      break;  // Docker never goes back to created
    case Phase::kExited:
      if (now->phase == Phase::kRunning) {
        owed.push_back(kStarted);
      } else if (now->phase == Phase::kExited && started_again(*reported, *now)) {
        owed.push_back(kStarted);
        owed.push_back(kStopped);
      }
      break;
  }
  return owed;
}

std::vector<cri::ContainerEventType> owed_events_for_action(
    const std::optional<ContainerPhase>& reported, std::string_view action) {
  const auto type = cri_event_for_docker_action(action);
  if (!type) return {};
  if (*type == kDeleted) return reported ? owed_events(reported, std::nullopt) : std::vector<cri::ContainerEventType>{};
  const Phase implied = *type == kCreated ? Phase::kCreated
                        : *type == kStarted ? Phase::kRunning
                                            : Phase::kExited;
  if (reported && static_cast<int>(reported->phase) >= static_cast<int>(implied)) return {};
  // Its StartedAt is unknown: a start is owed only when the action is one.
  ContainerPhase now{implied, ""};
  auto owed = owed_events(reported, now);
  if (implied == Phase::kExited && (!reported || reported->phase == Phase::kCreated)) {
    // A die implies a start before it.
    owed.insert(owed.end() - 1, kStarted);
  }
  return owed;
}

std::vector<OwedEvents> resync_diff(const std::map<std::string, ContainerPhase>& reported,
                                    const std::map<std::string, ContainerPhase>& present) {
  std::vector<OwedEvents> result;
  auto r = reported.begin();
  auto p = present.begin();
  while (r != reported.end() || p != present.end()) {
    std::optional<ContainerPhase> before, after;
    std::string id;
    if (p == present.end() || (r != reported.end() && r->first < p->first)) {
      id = r->first;
      before = r->second;
      ++r;
    } else if (r == reported.end() || p->first < r->first) {
      id = p->first;
      after = p->second;
      ++p;
    } else {
      id = r->first;
      before = r->second;
      after = p->second;
      ++r;
      ++p;
    }
    auto owed = owed_events(before, after);
    if (!owed.empty()) result.push_back({std::move(id), std::move(owed)});
  }
  return result;
}

}  // namespace shim::events
