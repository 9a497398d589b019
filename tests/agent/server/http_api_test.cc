#include "agent/server/http_api.h"

#include <doctest/doctest.h>

#include <atomic>
#include <mutex>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "common/metrics_registry.h"
#include "agent/objects/object_store.h"
#include "agent/pod/manifest_parser.h"
#include "agent/pod/pod_manager.h"
#include "agent/status/status_manager.h"
#include "tests/agent/support/manifests.h"
#include "tests/agent/support/recording_listener.h"

using common::metrics::Registry;
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

// Found by fuzzing (tests/fuzz/agent_api_body_fuzz.cc): an error answer
// quoting a byte that is not UTF-8 (yaml-cpp's "unknown escape character")
// made nlohmann's dump() throw, and the bad request a 500.
TEST_CASE("http api: a bad body whose error quotes bytes that are not UTF-8 is still a 400 in JSON") {
  Fixture f;
  auto r = f.post("a: \"\\\xff\"\n");
  REQUIRE(r);
  CHECK(r->status == 400);
  CHECK(body_of(r)["error"].get<std::string>().find("unknown escape character") != std::string::npos);
  r = f.post(pod_yaml("web") + "    args: [\"\xff\"]\n");
  REQUIRE(r);
  CHECK(r->status == 400);
  CHECK(body_of(r)["error"].get<std::string>().find("not valid UTF-8") != std::string::npos);
  CHECK(f.pods.pods().empty());
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

// --- /configmaps and /secrets ----------------------------------------------------

namespace {

using agent::objects::ObjectStore;
using agent::pod::ConfigObject;
using agent::pod::ObjectKind;
using agent::testing::config_map_yaml;
using agent::testing::secret_yaml;

const std::string kSecretValue = "hunter2-do-not-print";

// The API with an object store, and what it asked to keep on disk.
struct ObjectsFixture {
  RecordingListener listener;
  PodManager pods{listener};
  StatusManager statuses;
  Registry metrics;
  ObjectStore objects;
  std::mutex mutex;
  std::vector<std::string> persisted, unpersisted;
  std::unique_ptr<HttpApi> api;
  std::unique_ptr<httplib::Client> client;

  ObjectsFixture() {
    HttpApiDeps deps{pods, statuses, metrics, "node-a", {}, {}};
    deps.objects = &objects;
    deps.persist_object = [this](const ConfigObject& o) {
      std::lock_guard lock(mutex);
      persisted.push_back(std::string(agent::pod::to_string(o.kind)) + " " + o.namespace_ + "/" + o.name);
    };
    deps.unpersist_object = [this](ObjectKind kind, const std::string& ns, const std::string& name) {
      std::lock_guard lock(mutex);
      unpersisted.push_back(std::string(agent::pod::to_string(kind)) + " " + ns + "/" + name);
    };
    api = std::make_unique<HttpApi>("127.0.0.1:0", std::move(deps));
    api->start();
    client = std::make_unique<httplib::Client>("127.0.0.1", api->port());
  }

  httplib::Result post(const std::string& route, const std::string& body) {
    return client->Post(route.c_str(), body, "application/yaml");
  }
};

}  // namespace

TEST_CASE("http api: POST a ConfigMap, GET it, list it, DELETE it") {
  ObjectsFixture f;
  auto r = f.post("/configmaps", config_map_yaml("settings", "mode", "fast", "team"));
  REQUIRE(r);
  CHECK(r->status == 201);
  json created = body_of(r);
  CHECK(created["kind"] == "ConfigMap");
  CHECK(created["metadata"]["namespace"] == "team");
  CHECK(created["data"]["mode"] == "fast");
  auto held = f.objects.get(ObjectKind::ConfigMap, "team", "settings");
  REQUIRE(held);
  CHECK(held->data.at("mode") == "fast");
  CHECK(f.objects.source_of(ObjectKind::ConfigMap, "team", "settings") == "api");
  CHECK(f.persisted == std::vector<std::string>{"ConfigMap team/settings"});

  r = f.client->Get("/configmaps/team/settings");
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(body_of(r)["data"]["mode"] == "fast");

  // A file's ConfigMap is listed beside it.
  f.objects.set_source("file:/etc/pods/c.yaml",
                       {ConfigObject{ObjectKind::ConfigMap, "default", "from-file", {}, false}});
  r = f.client->Get("/configmaps");
  REQUIRE(r);
  json list = body_of(r);
  CHECK(list["kind"] == "ConfigMapList");
  REQUIRE(list["items"].size() == 2);
  CHECK(list["items"][0]["metadata"]["name"] == "from-file");
  CHECK(list["items"][1]["metadata"]["name"] == "settings");
  CHECK_FALSE(list["items"][1].contains("kind"));

  r = f.client->Delete("/configmaps/team/settings");
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(body_of(r)["metadata"]["name"] == "settings");
  CHECK_FALSE(f.objects.get(ObjectKind::ConfigMap, "team", "settings"));
  CHECK(f.unpersisted == std::vector<std::string>{"ConfigMap team/settings"});
  r = f.client->Delete("/configmaps/team/settings");
  REQUIRE(r);
  CHECK(r->status == 404);
  CHECK(body_of(r)["error"] == "ConfigMap team/settings not found");
  r = f.client->Get("/configmaps/team/settings");
  REQUIRE(r);
  CHECK(r->status == 404);
}

TEST_CASE("http api: a Secret is never served back in clear") {
  ObjectsFixture f;
  auto r = f.post("/secrets", secret_yaml("creds", "password", kSecretValue) + "type: example.com/x\n");
  REQUIRE(r);
  CHECK(r->status == 201);
  CHECK(r->body.find(kSecretValue) == std::string::npos);
  json created = body_of(r);
  CHECK(created["kind"] == "Secret");
  CHECK(created["type"] == "example.com/x");
  CHECK(created["data"] == json{{"password", ""}});
  CHECK(json::parse(created["metadata"]["annotations"]["node-agent.io/redacted-data"].get<std::string>()) ==
        json{{"password", kSecretValue.size()}});
  // The store has the value: pods need it.
  CHECK(f.objects.get(ObjectKind::Secret, "default", "creds")->data.at("password") == kSecretValue);
  CHECK(f.persisted == std::vector<std::string>{"Secret default/creds"});

  const std::string encoded = "aHVudGVyMi1kby1ub3QtcHJpbnQ=";  // the value in base64
  for (const char* path : {"/secrets", "/secrets/default/creds"}) {
    r = f.client->Get(path);
    REQUIRE(r);
    CHECK(r->status == 200);
    CHECK(r->body.find(kSecretValue) == std::string::npos);
    CHECK(r->body.find(encoded) == std::string::npos);
  }
  CHECK(body_of(f.client->Get("/secrets"))["kind"] == "SecretList");
  CHECK(body_of(f.client->Get("/secrets"))["items"][0]["data"]["password"] == "");
  r = f.client->Delete("/secrets/default/creds");
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(r->body.find(kSecretValue) == std::string::npos);
  CHECK(f.unpersisted == std::vector<std::string>{"Secret default/creds"});
}

TEST_CASE("http api: each route takes its own kind only, and nothing of a bad body is kept") {
  ObjectsFixture f;
  auto r = f.post("/configmaps", config_map_yaml("good", "k", "v") + "---\n" + secret_yaml("s", "k", kSecretValue));
  REQUIRE(r);
  CHECK(r->status == 400);
  CHECK(body_of(r)["error"] == "api document 2: a Secret belongs at POST /secrets, not POST /configmaps");
  CHECK(f.objects.list(ObjectKind::ConfigMap).empty());
  CHECK(f.objects.list(ObjectKind::Secret).empty());
  CHECK(f.persisted.empty());

  r = f.post("/secrets", pod_yaml("web"));
  REQUIRE(r);
  CHECK(r->status == 400);
  CHECK(body_of(r)["error"] == "api document 1: a Pod belongs at POST /pods, not POST /secrets");
  r = f.post("/pods", secret_yaml("s", "k", kSecretValue));
  REQUIRE(r);
  CHECK(r->status == 400);
  CHECK(body_of(r)["error"] == "api document 1: a Secret belongs at POST /secrets, not POST /pods");
  CHECK(f.pods.pods().empty());
  r = f.post("/configmaps", "apiVersion: v1\nkind: Deployment\nmetadata: {name: d}\n");
  REQUIRE(r);
  CHECK(r->status == 400);
  CHECK(body_of(r)["error"] == "api document 1: kind: expected \"ConfigMap\", got \"Deployment\"");

  // A bad Secret is refused with the field, never the value.
  r = f.post("/secrets", secret_yaml("creds", "password", kSecretValue) + "---\n" +
                             "apiVersion: v1\nkind: Secret\nmetadata: {name: bad}\ndata: {password: \"" +
                             kSecretValue + "\"}\n");
  REQUIRE(r);
  CHECK(r->status == 400);
  CHECK(r->body.find(kSecretValue) == std::string::npos);
  CHECK(body_of(r)["error"] == "api document 2: data[password]: not valid base64 (standard alphabet, padded)");
  CHECK(f.objects.list(ObjectKind::Secret).empty());

  for (const char* route : {"/configmaps", "/secrets"}) {
    r = f.post(route, "");
    REQUIRE(r);
    CHECK(r->status == 400);
    r = f.post(route, "{not json");
    REQUIRE(r);
    CHECK(r->status == 400);
    CHECK(body_of(r)["error"].get<std::string>().find("not valid YAML or JSON") != std::string::npos);
  }
  CHECK(f.persisted.empty());
}

TEST_CASE("http api: several objects in one POST; the same one twice is refused") {
  ObjectsFixture f;
  auto r = f.post("/configmaps", config_map_yaml("a", "k", "1") + "---\n" + config_map_yaml("b", "k", "2"));
  REQUIRE(r);
  CHECK(r->status == 201);
  json list = body_of(r);
  CHECK(list["kind"] == "ConfigMapList");
  CHECK(list["items"].size() == 2);
  CHECK(f.objects.list(ObjectKind::ConfigMap).size() == 2);

  r = f.post("/configmaps", config_map_yaml("c", "k", "1") + "---\n" + config_map_yaml("c", "k", "2"));
  REQUIRE(r);
  CHECK(r->status == 400);
  CHECK(body_of(r)["error"] == "api document 2: ConfigMap default/c is defined twice");
  CHECK_FALSE(f.objects.get(ObjectKind::ConfigMap, "default", "c"));

  // Posting again replaces the API's own copy.
  r = f.client->Post("/configmaps",
                     R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a"},"data":{"k":"9"}})",
                     "application/json");
  REQUIRE(r);
  CHECK(r->status == 201);
  CHECK(f.objects.get(ObjectKind::ConfigMap, "default", "a")->data.at("k") == "9");
}

TEST_CASE("http api: an object a manifest defines cannot be posted over or deleted") {
  ObjectsFixture f;
  f.objects.set_source("file:/etc/pods/s.yaml",
                       {ConfigObject{ObjectKind::Secret, "default", "creds", {{"k", "v"}}, false, "Opaque"}});
  auto r = f.post("/secrets", secret_yaml("creds", "k", "other"));
  REQUIRE(r);
  CHECK(r->status == 400);
  CHECK(body_of(r)["error"] ==
        "api document 1: Secret default/creds is already defined by another source (file:/etc/pods/s.yaml)");
  r = f.client->Delete("/secrets/default/creds");
  REQUIRE(r);
  CHECK(r->status == 404);
  CHECK(body_of(r)["error"] ==
        "Secret default/creds was not added through the API; remove it from file:/etc/pods/s.yaml");
  CHECK(f.objects.get(ObjectKind::Secret, "default", "creds")->data.at("k") == "v");
}

TEST_CASE("http api: an immutable object, and a Secret's type, change only by delete and post") {
  ObjectsFixture f;
  auto r = f.post("/configmaps", config_map_yaml("frozen", "k", "1") + "immutable: true\n");
  REQUIRE(r);
  REQUIRE(r->status == 201);
  r = f.post("/configmaps", config_map_yaml("frozen", "k", "1") + "immutable: true\n");
  REQUIRE(r);
  CHECK(r->status == 201);  // the same again is no change
  r = f.post("/configmaps", config_map_yaml("frozen", "k", "2") + "immutable: true\n");
  REQUIRE(r);
  CHECK(r->status == 400);
  CHECK(body_of(r)["error"] == "api document 1: ConfigMap default/frozen is immutable: delete it to change it");
  r = f.post("/configmaps", config_map_yaml("frozen", "k", "1"));
  REQUIRE(r);
  CHECK(r->status == 400);
  CHECK(f.objects.get(ObjectKind::ConfigMap, "default", "frozen")->immutable);

  r = f.post("/secrets", secret_yaml("typed", "k", "v"));
  REQUIRE(r);
  REQUIRE(r->status == 201);
  r = f.post("/secrets", secret_yaml("typed", "k", "v") + "type: example.com/other\n");
  REQUIRE(r);
  CHECK(r->status == 400);
  CHECK(body_of(r)["error"].get<std::string>().find("has type \"Opaque\", which cannot change") != std::string::npos);
  REQUIRE(f.client->Delete("/secrets/default/typed")->status == 200);
  r = f.post("/secrets", secret_yaml("typed", "k", "v") + "type: example.com/other\n");
  REQUIRE(r);
  CHECK(r->status == 201);
}

TEST_CASE("http api: without an object store the object routes are not served") {
  Fixture f;
  auto r = f.client->Get("/configmaps");
  REQUIRE(r);
  CHECK(r->status == 404);
  r = f.client->Post("/secrets", secret_yaml("s", "k", "v"), "application/yaml");
  REQUIRE(r);
  CHECK(r->status == 404);
}

TEST_CASE("http api: /stats/summary and /node answer what their sources give") {
  RecordingListener listener;
  PodManager pods{listener};
  StatusManager statuses;
  Registry metrics;
  HttpApiDeps deps{pods, statuses, metrics, "node-a", [] { return std::string(); }, [] {}};
  std::atomic<bool> short_view{false};
  deps.stats_summary = [&](bool only_cpu_and_memory) {
    short_view = only_cpu_and_memory;
    return json{{"node", {{"nodeName", "node-a"}}}, {"pods", json::array()}};
  };
  json node;  // null until "computed"
  std::mutex node_mutex;
  deps.node = [&] {
    std::lock_guard lock(node_mutex);
    return node;
  };
  HttpApi api("127.0.0.1:0", std::move(deps));
  api.start();
  httplib::Client client("127.0.0.1", api.port());
  auto r = client.Get("/stats/summary");
  CHECK(body_of(r)["node"]["nodeName"] == "node-a");
  CHECK_FALSE(short_view);
  r = client.Get("/stats/summary?only_cpu_and_memory=true");
  CHECK(r->status == 200);
  CHECK(short_view);
  r = client.Get("/node");
  CHECK(r->status == 503);
  {
    std::lock_guard lock(node_mutex);
    node = {{"kind", "Node"}};
  }
  r = client.Get("/node");
  CHECK(r->status == 200);
  CHECK(body_of(r)["kind"] == "Node");
  api.stop();
}

TEST_CASE("http api: without their sources /stats/summary and /node are 404") {
  Fixture f;
  CHECK(f.client->Get("/stats/summary")->status == 404);
  CHECK(f.client->Get("/node")->status == 404);
}
