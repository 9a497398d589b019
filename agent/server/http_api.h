// The agent's HTTP API (cpp-httplib, plain TCP, --listen):
//   GET    /healthz                 200 "ok" when the runtime answered and PLEG relists; 500 and why otherwise
//   GET    /pods                    a v1 PodList (JSON) of every pod and rejected manifest
//   GET    /pods/{namespace}/{name} one v1 Pod, or 404
//   POST   /pods                    a Pod manifest (YAML or JSON, one or more documents)
//                                   for the API source: 201 with the Pod(s) accepted, 400 with
//                                   the parser's message for a bad one (nothing of it is kept)
//   DELETE /pods/{namespace}/{name} removes a pod the API source added: 200, or 404
//   GET    /metrics                 Prometheus text from the metrics registry
//   GET    /events[?pod=ns/name]    a v1 EventList of the pod events kubelet would record
//   GET    /stats/summary           kubelet's stats Summary (stats/summary.h), read afresh;
//                                   ?only_cpu_and_memory=true for kubelet's short view
//   GET    /node                    this node as a v1 Node (node/node_status.h); 503 before
//                                   the node status loop's first update
//   GET    /configmaps              a v1 ConfigMapList of every source's ConfigMaps
//   GET    /configmaps/{ns}/{name}  one v1 ConfigMap, or 404
//   POST   /configmaps              ConfigMap documents (YAML or JSON, one or more) for the
//                                   API source: 201 with the ConfigMap (a ConfigMapList for
//                                   several); 400 naming every bad document (another kind,
//                                   a parser error, one a manifest defines, a change to an
//                                   immutable one), and then nothing of the request is kept
//   DELETE /configmaps/{ns}/{name}  removes a ConfigMap the API source added: 200, or 404
//   GET, POST, DELETE /secrets...   the same for Secrets (SecretList), values redacted:
// A Secret's values never leave the agent through its API: every answer
// that holds a Secret (GET, and POST's and DELETE's own) keeps its keys with
// empty values and says so in the annotation "node-agent.io/redacted-data",
// whose value gives each value's size in bytes ({"password":6}); see
// agent/objects/object_json.h. No log line or error holds a value either.
// Errors are JSON {"error": "..."} with the status code.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "agent/pod/config_object.h"

namespace agent::pod {
class PodManager;
}
namespace agent::status {
class StatusManager;
}
namespace common::metrics {
class Registry;
}

namespace agent::events {
class EventRecorder;
}
namespace agent::objects {
class ObjectStore;
}

namespace agent::server {

struct HttpApiDeps {
  pod::PodManager& pods;
  status::StatusManager& statuses;
  common::metrics::Registry& metrics;
  std::string node_name;
  // "" when healthy, else why not (runtime down, PLEG stale).
  std::function<std::string()> health_problem;
  // Called before /metrics renders, to refresh gauges (pod counts by phase).
  std::function<void()> refresh_metrics;
  // What GET /events serves (nullptr: an empty list).
  const events::EventRecorder* events = nullptr;
  // The ConfigMaps and Secrets of /configmaps and /secrets (nullptr: those
  // routes are not served).
  objects::ObjectStore* objects = nullptr;
  // Keep an object the API source took for the next start, and let go of
  // one it deleted (ApiObjectStore). Called after the store has changed;
  // they report their own failures (the object is in memory either way).
  std::function<void(const pod::ConfigObject&)> persist_object = nullptr;
  std::function<void(pod::ObjectKind, const std::string& namespace_, const std::string& name)> unpersist_object =
      nullptr;
  // GET /stats/summary and GET /node (unset: those routes answer 404). A
  // null Node (not computed yet) answers 503.
  std::function<nlohmann::json(bool only_cpu_and_memory)> stats_summary = nullptr;
  std::function<nlohmann::json()> node = nullptr;
};

class HttpApi {
 public:
  // `listen` is "host:port"; port 0 picks a free one (see port()).
  HttpApi(const std::string& listen, HttpApiDeps deps);
  ~HttpApi();  // stop()
  void start();  // binds (throws std::runtime_error when it cannot), serves on its own thread
  void stop();
  int port() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace agent::server
