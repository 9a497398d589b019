#include "agent/server/http_api.h"

#include <doctest/doctest.h>

#include <atomic>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "agent/metrics/registry.h"
#include "agent/pod/manifest_parser.h"
#include "agent/pod/pod_manager.h"
#include "agent/status/status_manager.h"
#include "tests/agent/support/manifests.h"
#include "tests/agent/support/recording_listener.h"

using agent::metrics::Registry;
using agent::pod::PodManager;
using agent::server::HttpApi;
using agent::server::HttpApiDeps;
using agent::status::StatusManager;
using agent::testing::bad_pod_yaml;
using agent::testing::pod_yaml;
using agent::testing::RecordingListener;
using nlohmann::json;

namespace {

// The API over real TCP on 127.0.0.1 with a free port, and real managers.
struct Fixture {
  RecordingListener listener;
  PodManager pods{listener};
  StatusManager statuses;
  Registry metrics;
  std::string health_problem;
  std::atomic<int> refreshed{0};
  HttpApi api{"127.0.0.1:0", HttpApiDeps{pods, statuses, metrics, "node-a",
                                         [this] { return health_problem; }, [this] { ++refreshed; }}};
  std::unique_ptr<httplib::Client> client;

  Fixture() {
    api.start();
    REQUIRE(api.port() > 0);
    client = std::make_unique<httplib::Client>("127.0.0.1", api.port());
  }

  httplib::Result post(const std::string& body) { return client->Post("/pods", body, "application/yaml"); }
};

json body_of(const httplib::Result& r) {
  REQUIRE(r);
  return json::parse(r->body);
}

}  // namespace

TEST_CASE("http api: healthz") {
  Fixture f;
  auto r = f.client->Get("/healthz");
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(r->body == "ok");
  f.health_problem = "runtime unix:///x is not answering";
  r = f.client->Get("/healthz");
  CHECK(r->status == 500);
  CHECK(body_of(r)["error"] == "runtime unix:///x is not answering");
}

TEST_CASE("http api: POST a good pod, GET it, DELETE it") {
  Fixture f;
  auto r = f.post(pod_yaml("web"));
  REQUIRE(r);
  CHECK(r->status == 201);
  json created = body_of(r);
  CHECK(created["kind"] == "Pod");
  CHECK(created["metadata"]["name"] == "web");
  CHECK(created["metadata"]["namespace"] == "default");
  CHECK(created["status"]["phase"] == "Pending");
  CHECK(f.listener.summary() == std::vector<std::string>{"added default/web"});
  auto held = f.pods.pod_by_name("default", "web");
  REQUIRE(held);
  CHECK(held->spec.node_name == "node-a");
  CHECK(held->metadata.annotations["kubernetes.io/config.source"] == "api");

  // Before any worker reported, GET shows the pod as Pending.
  r = f.client->Get("/pods/default/web");
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(body_of(r)["metadata"]["uid"] == held->metadata.uid);

  // Once the status manager has it, GET /pods lists it with that status.
  agent::status::PodStatus st;
  st.phase = "Running";
  f.statuses.set(*held, st);
  r = f.client->Get("/pods");
  REQUIRE(r);
  CHECK(r->status == 200);
  json list = body_of(r);
  CHECK(list["kind"] == "PodList");
  REQUIRE(list["items"].size() == 1);
  CHECK(list["items"][0]["status"]["phase"] == "Running");
  CHECK(body_of(f.client->Get("/pods/default/web"))["status"]["phase"] == "Running");

  r = f.client->Delete("/pods/default/web");
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK_FALSE(f.pods.pod_by_name("default", "web"));
  CHECK(f.listener.summary().back() == "removed default/web");

  r = f.client->Delete("/pods/default/web");
  REQUIRE(r);
  CHECK(r->status == 404);
  CHECK(body_of(r)["error"].get<std::string>().find("default/web") != std::string::npos);
}

TEST_CASE("http api: POST with a bad document keeps nothing and names every error") {
  Fixture f;
  auto r = f.post(pod_yaml("good") + "---\n" + bad_pod_yaml("bad1") + "---\nkind: Pod\n");
  REQUIRE(r);
  CHECK(r->status == 400);
  json err = body_of(r);
  REQUIRE(err["errors"].size() == 2);
  CHECK(err["error"].get<std::string>().find("bogus") != std::string::npos);
  CHECK(err["errors"][1].get<std::string>().find("document 3") != std::string::npos);
  CHECK(f.pods.pods().empty());
  CHECK(f.listener.events().empty());

  r = f.post("");
  REQUIRE(r);
  CHECK(r->status == 400);
  r = f.post("{not json");
  REQUIRE(r);
  CHECK(r->status == 400);
  CHECK(body_of(r)["error"].get<std::string>().find("not valid YAML or JSON") != std::string::npos);
}

TEST_CASE("http api: POST several pods; JSON bodies; replacing an API pod") {
  Fixture f;
  auto r = f.post(pod_yaml("a") + "---\n" + pod_yaml("b", "busybox:1", "team"));
  REQUIRE(r);
  CHECK(r->status == 201);
  json list = body_of(r);
  CHECK(list["kind"] == "PodList");
  CHECK(list["items"].size() == 2);
  CHECK(f.pods.pods().size() == 2);

  // JSON is read as well; a changed spec of an API pod replaces it.
  std::string json_pod = R"({"apiVersion":"v1","kind":"Pod","metadata":{"name":"a"},
    "spec":{"containers":[{"name":"app","image":"busybox:2"}]}})";
  r = f.post(json_pod);
  REQUIRE(r);
  CHECK(r->status == 201);
  CHECK(f.pods.pod_by_name("default", "a")->spec.containers[0].image == "busybox:2");
  CHECK(f.pods.pods().size() == 2);
}

TEST_CASE("http api: a pod held by a manifest file cannot be posted over or deleted") {
  Fixture f;
  auto docs = agent::pod::parse_manifest(pod_yaml("static"),
                                         {agent::pod::PodSource::Kind::File, "/etc/pods/s.yaml", "node-a"});
  f.pods.set_source("file:/etc/pods/s.yaml", {*docs[0].pod}, {});
  // The file's pod is named after the node, as kubelet names static pods.
  REQUIRE(f.pods.pod_by_name("default", "static-node-a"));
  auto r = f.post(pod_yaml("static-node-a", "busybox:9"));
  REQUIRE(r);
  CHECK(r->status == 400);
  CHECK(body_of(r)["error"].get<std::string>().find("another source") != std::string::npos);
  r = f.client->Delete("/pods/default/static-node-a");
  REQUIRE(r);
  CHECK(r->status == 404);
  CHECK(f.pods.pod_by_name("default", "static-node-a"));
}

TEST_CASE("http api: a pod for another node is refused") {
  Fixture f;
  auto r = f.post(pod_yaml("web") + "  nodeName: node-b\n");
  REQUIRE(r);
  CHECK(r->status == 400);
  CHECK(body_of(r)["error"].get<std::string>().find("spec.nodeName") != std::string::npos);
}

TEST_CASE("http api: 404s") {
  Fixture f;
  auto r = f.client->Get("/pods/default/nope");
  REQUIRE(r);
  CHECK(r->status == 404);
  CHECK(body_of(r)["error"] == "pod default/nope not found");
  r = f.client->Get("/nothing-here");
  REQUIRE(r);
  CHECK(r->status == 404);
  CHECK(body_of(r)["error"].get<std::string>().find("/nothing-here") != std::string::npos);
}

TEST_CASE("http api: /metrics renders the registry after refreshing it") {
  Fixture f;
  f.metrics.describe("node_agent_pods", "gauge", "Pods by phase.");
  f.metrics.set_gauge("node_agent_pods", {{"phase", "Running"}}, 2);
  f.client->Get("/healthz");
  auto r = f.client->Get("/metrics");
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(r->get_header_value("Content-Type").find("text/plain; version=0.0.4") == 0);
  CHECK(f.refreshed == 1);
  CHECK(r->body.find("# TYPE node_agent_pods gauge\n") != std::string::npos);
  CHECK(r->body.find("node_agent_pods{phase=\"Running\"} 2\n") != std::string::npos);
  // httplib logs a request (and counts it) just after answering it, so the
  // count of /healthz may show only on a later scrape.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  bool counted = false;
  while (!counted && std::chrono::steady_clock::now() < deadline) {
    auto again = f.client->Get("/metrics");
    REQUIRE(again);
    counted = again->body.find("node_agent_http_requests_total{method=\"GET\",code=\"200\"}") != std::string::npos;
  }
  CHECK(counted);
}

TEST_CASE("http api: a port in use is a clear error; stop is idempotent") {
  Fixture f;
  RecordingListener l;
  PodManager pods(l);
  StatusManager statuses;
  Registry metrics;
  HttpApi second("127.0.0.1:" + std::to_string(f.api.port()), HttpApiDeps{pods, statuses, metrics, "", {}, {}});
  CHECK_THROWS_AS(second.start(), std::runtime_error);
  CHECK_THROWS_AS(HttpApi("no-port", HttpApiDeps{pods, statuses, metrics, "", {}, {}}), std::invalid_argument);
  f.api.stop();
  f.api.stop();
}
