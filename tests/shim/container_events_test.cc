// The pure parts of GetContainerEvents: Docker state/action -> CRI event,
// the events owed between a reported and an observed state, the resync
// diff over a whole list, and the bounded fan-out.
#include <doctest/doctest.h>

#include "shim/events/container_lifecycle.h"
#include "shim/events/event_broadcaster.h"
#include "shim/events/recent_ids.h"
#include "shim/events/subscriber_queue.h"

using namespace shim::events;
using namespace std::chrono_literals;
using Types = std::vector<cri::ContainerEventType>;

namespace {
constexpr auto C = cri::CONTAINER_CREATED_EVENT;
constexpr auto S = cri::CONTAINER_STARTED_EVENT;
constexpr auto X = cri::CONTAINER_STOPPED_EVENT;
constexpr auto D = cri::CONTAINER_DELETED_EVENT;
const std::string t1 = "2026-11-29T10:00:00.1Z";
const std::string t2 = "2026-11-29T10:00:05.2Z";
ContainerPhase created() { return {Phase::kCreated, ""}; }
ContainerPhase running(const std::string& at = t1) { return {Phase::kRunning, at}; }
ContainerPhase exited(const std::string& at = t1) { return {Phase::kExited, at}; }
}  // namespace

TEST_CASE("events: Docker actions map to CRI event types") {
  CHECK(cri_event_for_docker_action("create") == C);
  CHECK(cri_event_for_docker_action("start") == S);
  CHECK(cri_event_for_docker_action("restart") == S);
  CHECK(cri_event_for_docker_action("die") == X);
  CHECK(cri_event_for_docker_action("destroy") == D);
  for (const char* other : {"kill", "stop", "exec_start: sh", "exec_die", "attach", "pause",
                            "unpause", "oom", "rename", "resize", "top", "update", ""})
    CHECK_FALSE(cri_event_for_docker_action(other).has_value());
}

TEST_CASE("events: Docker states map to phases") {
  CHECK(phase_of_docker_state("created") == Phase::kCreated);
  CHECK(phase_of_docker_state("running") == Phase::kRunning);
  CHECK(phase_of_docker_state("paused") == Phase::kRunning);
  CHECK(phase_of_docker_state("restarting") == Phase::kRunning);
  CHECK(phase_of_docker_state("exited") == Phase::kExited);
  CHECK(phase_of_docker_state("dead") == Phase::kExited);
  CHECK_FALSE(phase_of_docker_state("removing").has_value());
  CHECK_FALSE(phase_of_docker_state("").has_value());
  CHECK(started_at_of("0001-01-01T00:00:00Z") == "");
  CHECK(started_at_of(t1) == t1);
}

TEST_CASE("events: owed events from a reported state to an observed one") {
  // Never reported.
  CHECK(owed_events(std::nullopt, created()) == Types{C});
  CHECK(owed_events(std::nullopt, running()) == Types{C, S});
  CHECK(owed_events(std::nullopt, exited()) == Types{C, S, X});
  CHECK(owed_events(std::nullopt, exited("")) == Types{C, X});  // its start failed
  CHECK(owed_events(std::nullopt, std::nullopt).empty());
  // Forward steps.
  CHECK(owed_events(created(), running()) == Types{S});
  CHECK(owed_events(created(), exited()) == Types{S, X});
  CHECK(owed_events(created(), std::nullopt) == Types{D});
  CHECK(owed_events(running(), exited()) == Types{X});
  CHECK(owed_events(running(), std::nullopt) == Types{X, D});
  CHECK(owed_events(exited(), std::nullopt) == Types{D});
  // No change: nothing, whatever Docker event made us look (no duplicate).
  CHECK(owed_events(created(), created()).empty());
  CHECK(owed_events(running(), running()).empty());
  CHECK(owed_events(exited(), exited()).empty());
  // A stale look never goes backwards.
  CHECK(owed_events(running(), created()).empty());
  CHECK(owed_events(exited(), created()).empty());
  // Started again by Docker.
  CHECK(owed_events(exited(t1), running(t2)) == Types{S});
  CHECK(owed_events(exited(t1), exited(t2)) == Types{S, X});
  CHECK(owed_events(running(t1), running(t2)) == Types{X, S});
  CHECK(owed_events(running(t1), exited(t2)) == Types{X, S, X});
  // An unknown StartedAt (from a list) cannot tell runs apart.
  CHECK(owed_events(running(""), running(t2)).empty());
  CHECK(owed_events(exited(t1), exited("")).empty());
}

TEST_CASE("events: the resync diff owes each changed container exactly its missed steps") {
  const std::map<std::string, ContainerPhase> reported = {
      {"a", created()}, {"b", running()}, {"c", running()}, {"d", exited()}, {"e", running()}};
  const std::map<std::string, ContainerPhase> present = {
      {"a", running()},  // started meanwhile
      {"b", running()},  // unchanged
      {"c", exited()},   // stopped meanwhile
      // d removed meanwhile, e killed and removed
      {"f", exited()},   // created, ran and exited meanwhile
      {"g", created()},  // created meanwhile
  };
  const auto diff = resync_diff(reported, present);
  REQUIRE(diff.size() == 6);
  CHECK(diff[0].id == "a");
  CHECK(diff[0].events == Types{S});
  CHECK(diff[1].id == "c");
  CHECK(diff[1].events == Types{X});
  CHECK(diff[2].id == "d");
  CHECK(diff[2].events == Types{D});
  CHECK(diff[3].id == "e");
  CHECK(diff[3].events == Types{X, D});
  CHECK(diff[4].id == "f");
  CHECK(diff[4].events == Types{C, S, X});
  CHECK(diff[5].id == "g");
  CHECK(diff[5].events == Types{C});
  CHECK(resync_diff(reported, reported).empty());
  CHECK(resync_diff({}, {}).empty());
}

namespace {
cri::ContainerEventResponse event(const std::string& id) {
  cri::ContainerEventResponse e;
  e.set_container_id(id);
  return e;
}
}  // namespace

TEST_CASE("events: a subscriber queue keeps order and ends cleanly when closed") {
  SubscriberQueue queue(4);
  queue.push(event("1"));
  queue.push(event("2"));
  queue.close(grpc::Status::OK);
  queue.push(event("3"));  // after close: dropped
  CHECK_FALSE(queue.closed().has_value());  // not before what is queued is taken
  CHECK(queue.pop(0ms)->container_id() == "1");
  CHECK(queue.pop(0ms)->container_id() == "2");
  CHECK_FALSE(queue.pop(10ms).has_value());
  REQUIRE(queue.closed().has_value());
  CHECK(queue.closed()->ok());
}

TEST_CASE("events: a subscriber that falls behind is ended, the others keep everything") {
  EventBroadcaster broadcaster(3);
  const auto slow = broadcaster.subscribe();
  const auto fast = broadcaster.subscribe();
  CHECK(broadcaster.subscribers() == 2);
  for (int i = 0; i < 10; ++i) {
    broadcaster.publish(event(std::to_string(i)));
    REQUIRE(fast->pop(0ms)->container_id() == std::to_string(i));
  }
  // The slow one kept no more than its capacity and is closed, empty.
  CHECK(slow->size() == 0);
  const auto status = slow->closed();
  REQUIRE(status.has_value());
  CHECK(status->error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED);
  CHECK(status->error_message().find("fell 3 events behind") != std::string::npos);
  CHECK_FALSE(fast->closed().has_value());
  broadcaster.unsubscribe(slow);
  CHECK(broadcaster.subscribers() == 1);
  // Shutdown ends the rest and refuses newcomers.
  broadcaster.close_all(grpc::Status(grpc::StatusCode::UNAVAILABLE, "shutting down"));
  REQUIRE(fast->closed().has_value());
  CHECK(fast->closed()->error_code() == grpc::StatusCode::UNAVAILABLE);
  const auto late = broadcaster.subscribe();
  REQUIRE(late->closed().has_value());
  CHECK(late->closed()->error_code() == grpc::StatusCode::UNAVAILABLE);
}

TEST_CASE("events: a container already removed is owed what its event's action says") {
  // Handled late, one event after another: the four events, in order.
  CHECK(owed_events_for_action(std::nullopt, "create") == Types{C});
  CHECK(owed_events_for_action(created(), "start") == Types{S});
  CHECK(owed_events_for_action(ContainerPhase{Phase::kRunning, ""}, "die") == Types{X});
  CHECK(owed_events_for_action(ContainerPhase{Phase::kExited, ""}, "destroy") == Types{D});
  // A die implies the start before it.
  CHECK(owed_events_for_action(created(), "die") == Types{S, X});
  CHECK(owed_events_for_action(std::nullopt, "die") == Types{C, S, X});
  CHECK(owed_events_for_action(running(), "destroy") == Types{X, D});
  // Older than what was reported (an inspect already showed more): nothing.
  CHECK(owed_events_for_action(exited(), "start").empty());
  CHECK(owed_events_for_action(exited(), "die").empty());
  CHECK(owed_events_for_action(running(), "create").empty());
  CHECK(owed_events_for_action(running(), "restart").empty());
  // Nothing known, nothing to say; actions that change no CRI state.
  CHECK(owed_events_for_action(std::nullopt, "destroy").empty());
  CHECK(owed_events_for_action(running(), "kill").empty());
  CHECK(owed_events_for_action(running(), "exec_start: sh").empty());
}

TEST_CASE("events: recent IDs keep the newest, forget the oldest") {
  RecentIds ids(2);
  ids.add("a");
  ids.add("b");
  ids.add("a");  // already there: no change in order
  CHECK(ids.contains("a"));
  ids.add("c");
  CHECK_FALSE(ids.contains("a"));
  CHECK(ids.contains("b"));
  CHECK(ids.contains("c"));
  CHECK(ids.size() == 2);
}
