// The event ring: repeats aggregated, the oldest dropped first, the
// EventList JSON as the API server serves it.
#include "agent/events/event_recorder.h"

#include <doctest/doctest.h>

using namespace agent::events;

namespace {

const PodRef kWeb{"shop", "web", "uid-web"};
const PodRef kDb{"shop", "db", "uid-db"};

}  // namespace

TEST_CASE("a repeated event is counted, not added again") {
  int64_t now = 1795953600;
  EventRecorder recorder(10, [&] { return now; });
  recorder.record(kWeb, "app", EventType::Normal, "Pulled", "Container image \"busybox\" already present on machine");
  recorder.record(kWeb, "app", EventType::Warning, "Unhealthy", "Liveness probe failed: no");
  now += 5;
  recorder.record(kWeb, "app", EventType::Warning, "Unhealthy", "Liveness probe failed: no");
  recorder.record(kWeb, "app", EventType::Warning, "Unhealthy", "Liveness probe failed: other");
  const auto events = recorder.list();
  REQUIRE(events.size() == 3);
  CHECK(events[1].reason == "Unhealthy");
  CHECK(events[1].count == 2);
  CHECK(events[1].first_timestamp == 1795953600);
  CHECK(events[1].last_timestamp == 1795953605);
  CHECK(events[2].message == "Liveness probe failed: other");
  CHECK(events[2].count == 1);
}

TEST_CASE("the ring holds at most its capacity, dropping the least recently seen") {
  EventRecorder recorder(3);
  recorder.record(kWeb, "app", EventType::Normal, "Created", "Created container app");
  recorder.record(kWeb, "app", EventType::Normal, "Started", "Started container app");
  recorder.record(kWeb, "app", EventType::Normal, "Created", "Created container app");  // seen again: kept
  recorder.record(kDb, "db", EventType::Normal, "Created", "Created container db");
  recorder.record(kDb, "db", EventType::Normal, "Started", "Started container db");  // drops web's Started
  const auto events = recorder.list();
  REQUIRE(events.size() == 3);
  CHECK(events[0].reason == "Created");
  CHECK(events[0].pod.name == "web");
  CHECK(events[0].count == 2);
  CHECK(events[1].pod.name == "db");
  CHECK(events[2].reason == "Started");
}

TEST_CASE("list filters by pod; the JSON is a v1 EventList") {
  EventRecorder recorder(10, [] { return int64_t{1795953600}; });
  recorder.record(kWeb, "app", EventType::Warning, "BackOff", "Back-off restarting failed container app");
  recorder.record(kWeb, "", EventType::Normal, "Killing", "Stopping pod");
  recorder.record(kDb, "db", EventType::Normal, "Started", "Started container db");
  const auto web = recorder.list(std::make_pair(std::string("shop"), std::string("web")));
  REQUIRE(web.size() == 2);
  CHECK(recorder.list(std::make_pair(std::string("other"), std::string("web"))).empty());

  const auto json = event_list_to_json(web, "node-a");
  CHECK(json["apiVersion"] == "v1");
  CHECK(json["kind"] == "EventList");
  REQUIRE(json["items"].size() == 2);
  const auto& e = json["items"][0];
  CHECK(e["kind"] == "Event");
  CHECK(e["metadata"]["namespace"] == "shop");
  CHECK(e["metadata"]["name"].get<std::string>().rfind("web.", 0) == 0);
  CHECK(e["involvedObject"] == nlohmann::json::parse(R"({"kind":"Pod","namespace":"shop","name":"web",
      "uid":"uid-web","apiVersion":"v1","fieldPath":"spec.containers{app}"})"));
  CHECK(e["reason"] == "BackOff");
  CHECK(e["type"] == "Warning");
  CHECK(e["count"] == 1);
  CHECK(e["firstTimestamp"] == "2026-11-29T12:00:00Z");
  CHECK(e["lastTimestamp"] == "2026-11-29T12:00:00Z");
  CHECK(e["source"] == nlohmann::json::parse(R"({"component":"kubelet","host":"node-a"})"));
  CHECK_FALSE(json["items"][1]["involvedObject"].contains("fieldPath"));  // about the pod itself
  CHECK(json["items"][0]["metadata"]["name"] != json["items"][1]["metadata"]["name"]);
}

TEST_CASE("a node's event names the Node, without a namespace, and lives in default") {
  EventRecorder recorder(10, [] { return int64_t{1764417600}; });
  recorder.record(node_ref("node-a"), "", EventType::Warning, "SystemOOM",
                  "System OOM encountered, victim process: dd, pid: 42");
  const auto json = event_list_to_json(recorder.list(), "node-a");
  const auto& e = json["items"][0];
  CHECK(e["involvedObject"] == nlohmann::json::parse(R"({"kind":"Node","name":"node-a","uid":"node-a","apiVersion":"v1"})"));
  CHECK(e["metadata"]["namespace"] == "default");
  CHECK(e["type"] == "Warning");
  CHECK(recorder.list(std::make_pair(std::string("default"), std::string("node-a"))).empty());  // not a pod's
}
