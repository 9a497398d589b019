#include "agent/server/http_api.h"

// Each worker thread costs a stack; the API serves a handful of clients, and
// node-agent aims at under 15 MiB RSS. Debian's cpp-httplib is a compiled
// library whose Server constructor fixes the pool size, so the pool is also
// set explicitly below (new_task_queue); the define covers a header-only build.
#define CPPHTTPLIB_THREAD_POOL_COUNT 2
#include <httplib.h>

#include <sys/socket.h>

#include <atomic>
#include <chrono>
#include <optional>
#include <set>
#include <stdexcept>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "agent/events/event_recorder.h"
#include "common/http_server_thread.h"
#include "common/metrics_registry.h"
#include "agent/objects/object_json.h"
#include "agent/objects/object_store.h"
#include "agent/pod/manifest_parser.h"
#include "agent/pod/pod_manager.h"
#include "agent/status/status_manager.h"
#include "agent/server/api_address.h"
#include "agent/server/json_reply.h"

namespace agent::server {

namespace {

constexpr size_t kThreads = 2;
constexpr size_t kMaxBody = 1 << 20;  // a manifest, not an upload
constexpr const char* kJson = "application/json";

void reply_json(httplib::Response& res, int status, const nlohmann::json& body) {
  res.status = status;
  res.set_content(json_text(body), kJson);
}

void reply_error(httplib::Response& res, int status, const std::string& message) {
  reply_json(res, status, {{"error", message}});
}

// The API's address (api_address.h) as httplib takes it.
std::pair<std::string, int> split_listen(const std::string& listen) {
  const auto endpoint = common::Endpoint::parse(listen, kApiListenForms);
  return {endpoint.host.empty() ? "0.0.0.0" : endpoint.host, std::stoi(endpoint.port)};
}

bool from_api(const pod::Pod& p) { return pod::came_from(p, pod::PodSource::Kind::Api); }

// The route that takes documents of `kind` ("" when the kind is not one
// the API takes).
std::string route_of(const std::string& kind) {
  if (kind == "Pod") return "/pods";
  if (kind == "ConfigMap") return "/configmaps";
  if (kind == "Secret") return "/secrets";
  return "";
}

// A document of another kind than the route's: refused by route, never by
// the parser's message (a Secret posted to /pods is not read as a pod).
std::optional<std::string> wrong_route(const pod::ManifestDocument& d, const std::string& expected_kind) {
  if (d.kind == expected_kind) return std::nullopt;
  const std::string where = "api document " + std::to_string(d.index) + ": ";
  const std::string route = route_of(d.kind);
  if (!route.empty())
    return where + "a " + d.kind + " belongs at POST " + route + ", not POST " + route_of(expected_kind);
  if (d.error.empty() || d.kind.empty()) return std::nullopt;  // the parser's own error says what is wrong
  return where + "kind: expected \"" + expected_kind + "\", got \"" + d.kind + "\"";
}

void reply_errors(httplib::Response& res, const std::string& route, const std::string& remote,
                  const std::vector<std::string>& errors) {
  std::string joined;
  for (const auto& e : errors) joined += (joined.empty() ? "" : "\n") + e;
  spdlog::warn("http api: POST {} rejected from {}: {}", route, remote, joined);
  reply_json(res, 400, {{"error", joined}, {"errors", errors}});
}

}  // namespace

struct HttpApi::Impl {
  HttpApiDeps deps;
  httplib::Server server;
  common::HttpServerThread runner;  // after server: stopped before it goes

  Impl(const std::string& listen, HttpApiDeps d)
      : deps(std::move(d)),
        runner(server, split_listen(listen).first, split_listen(listen).second, "http api") {
    server.new_task_queue = [] { return new httplib::ThreadPool(kThreads); };
    server.set_payload_max_length(kMaxBody);
    // A kept-alive connection holds one of the two workers while idle.
    server.set_keep_alive_timeout(2);
    common::use_exclusive_port(server);
    routes();
  }

  // The status a pod has right now: the status manager's, or Pending for a
  // pod the workers have not reported on yet.
  nlohmann::json pod_json(const pod::Pod& p) {
    if (auto rec = deps.statuses.get_by_uid(p.metadata.uid)) return status::pod_to_json(rec->pod, rec->status);
    return status::pod_to_json(p, status::PodStatus{});
  }

  void healthz(const httplib::Request&, httplib::Response& res) {
    std::string problem = deps.health_problem ? deps.health_problem() : "";
    if (problem.empty()) res.set_content("ok", "text/plain");
    else reply_error(res, 500, problem);
  }

  void list(const httplib::Request&, httplib::Response& res) {
    reply_json(res, 200, status::pod_list_to_json(deps.statuses.list()));
  }

  void get_one(const httplib::Request& req, httplib::Response& res) {
    const std::string ns = req.matches[1], name = req.matches[2];
    if (auto rec = deps.statuses.get(ns, name)) return reply_json(res, 200, status::pod_to_json(rec->pod, rec->status));
    if (auto p = deps.pods.pod_by_name(ns, name)) return reply_json(res, 200, pod_json(*p));
    reply_error(res, 404, "pod " + ns + "/" + name + " not found");
  }

  // Look up, validate, do, answer: every document must be a good pod that
  // no other source holds, or nothing of the request is kept.
  void create(const httplib::Request& req, httplib::Response& res) {
    auto docs = pod::parse_manifest(req.body, pod::PodSource{pod::PodSource::Kind::Api, "api", deps.node_name});
    std::vector<std::string> errors;
    std::vector<pod::Pod> pods;
    std::set<std::string> names;
    for (auto& d : docs) {
      if (auto refused = wrong_route(d, "Pod")) {
        errors.push_back(*refused);
        continue;
      }
      if (!d.pod) {
        errors.push_back(d.error);
        continue;
      }
      const std::string name = d.pod->metadata.namespace_ + "/" + d.pod->metadata.name;
      if (!names.insert(name).second) {
        errors.push_back("api document " + std::to_string(d.index) + ": pod " + name + " is defined twice");
        continue;
      }
      auto held = deps.pods.pod_by_name(d.pod->metadata.namespace_, d.pod->metadata.name);
      if (held && !from_api(*held)) {
        errors.push_back("api document " + std::to_string(d.index) + ": pod " + name +
                         " is already defined by another source (" +
                         held->metadata.annotations["kubernetes.io/config.source"] + ")");
        continue;
      }
      pods.push_back(std::move(*d.pod));
    }
    if (docs.empty()) errors.push_back("api: the request holds no Pod");
    if (!errors.empty()) return reply_errors(res, "/pods", req.remote_addr, errors);
    std::vector<status::PodRecord> accepted;
    for (auto& p : pods) {
      spdlog::info("http api: accepted {}/{} (uid {}) for source api", p.metadata.namespace_, p.metadata.name,
                   p.metadata.uid);
      deps.pods.put_api_pod(p);
      accepted.push_back({p, status::PodStatus{}});
    }
    if (accepted.size() == 1) return reply_json(res, 201, pod_json(accepted[0].pod));
    nlohmann::json list = status::pod_list_to_json(accepted);
    for (size_t i = 0; i < accepted.size(); ++i) list["items"][i] = pod_json(accepted[i].pod);
    reply_json(res, 201, list);
  }

  void remove(const httplib::Request& req, httplib::Response& res) {
    const std::string ns = req.matches[1], name = req.matches[2];
    auto held = deps.pods.pod_by_name(ns, name);
    if (held && !from_api(*held))
      return reply_error(res, 404, "pod " + ns + "/" + name + " was not added through the API; remove its manifest");
    if (!held || !deps.pods.delete_api_pod(ns, name)) return reply_error(res, 404, "pod " + ns + "/" + name + " not found");
    spdlog::info("http api: deleted {}/{} (uid {}) from source api", ns, name, held->metadata.uid);
    reply_json(res, 200, pod_json(*held));
  }

  // GET /events[?pod=<namespace>/<name>]: a v1 EventList, oldest first.
  void events(const httplib::Request& req, httplib::Response& res) {
    std::optional<std::pair<std::string, std::string>> pod;
    if (req.has_param("pod")) {
      const std::string ref = req.get_param_value("pod");
      const auto slash = ref.find('/');
      if (slash == std::string::npos || slash == 0 || slash + 1 == ref.size())
        return reply_error(res, 400, "pod: expected <namespace>/<name>, got \"" + ref + "\"");
      pod = std::make_pair(ref.substr(0, slash), ref.substr(slash + 1));
    }
    std::vector<events::Event> list;
    if (deps.events != nullptr) list = deps.events->list(pod);
    reply_json(res, 200, events::event_list_to_json(list, deps.node_name));
  }

  // --- /configmaps and /secrets ------------------------------------------------

  static std::string describe(pod::ObjectKind kind, const std::string& ns, const std::string& name) {
    return std::string(pod::to_string(kind)) + " " + ns + "/" + name;
  }
  static nlohmann::json object_json(const pod::ConfigObject& o) {
    return objects::object_to_json(o, objects::SecretValues::Redacted);
  }

  void list_objects(pod::ObjectKind kind, const httplib::Request&, httplib::Response& res) {
    reply_json(res, 200, objects::object_list_to_json(kind, deps.objects->list(kind)));
  }

  void get_object(pod::ObjectKind kind, const httplib::Request& req, httplib::Response& res) {
    const std::string ns = req.matches[1], name = req.matches[2];
    if (auto o = deps.objects->get(kind, ns, name)) return reply_json(res, 200, object_json(*o));
    reply_error(res, 404, describe(kind, ns, name) + " not found");
  }

  // As create() for pods: every document must be a good object of the
  // route's kind that no manifest defines, or nothing is kept. A change to
  // an immutable API object, or to a Secret's type, is refused as the API
  // server refuses the update: delete it, then post it again.
  void create_objects(pod::ObjectKind kind, const httplib::Request& req, httplib::Response& res) {
    const std::string kind_name = pod::to_string(kind);
    const pod::PodSource source{pod::PodSource::Kind::Api, objects::kApiSourceKey, deps.node_name};
    auto docs = pod::parse_manifest(req.body, source);
    std::vector<std::string> errors;
    std::vector<pod::ConfigObject> accepted;
    std::set<std::string> names;
    for (auto& d : docs) {
      if (auto refused = wrong_route(d, kind_name)) {
        errors.push_back(*refused);
        continue;
      }
      if (!d.object) {
        errors.push_back(d.error);
        continue;
      }
      const pod::ConfigObject& o = *d.object;
      const std::string where = "api document " + std::to_string(d.index) + ": ";
      const std::string what = describe(kind, o.namespace_, o.name);
      if (!names.insert(what).second) {
        errors.push_back(where + what + " is defined twice");
        continue;
      }
      const auto source = deps.objects->source_of(kind, o.namespace_, o.name);
      if (source && *source != objects::kApiSourceKey) {
        errors.push_back(where + what + " is already defined by another source (" + *source + ")");
        continue;
      }
      if (const auto held = source ? deps.objects->get(kind, o.namespace_, o.name) : std::nullopt) {
        if (held->immutable && !(*held == o)) {
          errors.push_back(where + what + " is immutable: delete it to change it");
          continue;
        }
        if (held->type != o.type) {
          errors.push_back(where + "type: " + what + " has type \"" + held->type +
                           "\", which cannot change: delete it to change it");
          continue;
        }
      }
      accepted.push_back(std::move(*d.object));
    }
    if (docs.empty()) errors.push_back("api: the request holds no " + kind_name);
    if (!errors.empty()) return reply_errors(res, route_of(kind_name), req.remote_addr, errors);
    for (const auto& o : accepted) {
      // Its name only: a Secret's values never reach the log.
      spdlog::info("http api: accepted {} for source api", describe(kind, o.namespace_, o.name));
      deps.objects->put_api_object(o);
      if (deps.persist_object) deps.persist_object(o);
    }
    if (accepted.size() == 1) return reply_json(res, 201, object_json(accepted[0]));
    reply_json(res, 201, objects::object_list_to_json(kind, accepted));
  }

  void delete_object(pod::ObjectKind kind, const httplib::Request& req, httplib::Response& res) {
    const std::string ns = req.matches[1], name = req.matches[2];
    const std::string what = describe(kind, ns, name);
    const auto source = deps.objects->source_of(kind, ns, name);
    const auto held = deps.objects->get(kind, ns, name);
    if (!deps.objects->delete_api_object(kind, ns, name)) {
      if (source) return reply_error(res, 404, what + " was not added through the API; remove it from " + *source);
      return reply_error(res, 404, what + " not found");
    }
    spdlog::info("http api: deleted {} from source api", what);
    if (deps.unpersist_object) deps.unpersist_object(kind, ns, name);
    reply_json(res, 200, held ? object_json(*held) : nlohmann::json{{"metadata", {{"namespace", ns}, {"name", name}}}});
  }

  void stats_summary(const httplib::Request& req, httplib::Response& res) {
    if (!deps.stats_summary) return reply_error(res, 404, "no stats summary on this agent");
    const bool short_view = req.has_param("only_cpu_and_memory") && req.get_param_value("only_cpu_and_memory") == "true";
    reply_json(res, 200, deps.stats_summary(short_view));
  }

  void node(const httplib::Request&, httplib::Response& res) {
    if (!deps.node) return reply_error(res, 404, "no node status on this agent");
    nlohmann::json node = deps.node();
    if (node.is_null()) return reply_error(res, 503, "the node's status has not been computed yet");
    reply_json(res, 200, node);
  }

  void metrics(const httplib::Request&, httplib::Response& res) {
    if (deps.refresh_metrics) deps.refresh_metrics();
    res.set_content(deps.metrics.render(), "text/plain; version=0.0.4; charset=utf-8");
  }

  // A plain Handler (a lambda would be ambiguous between httplib's Handler
  // and HandlerWithContentReader overloads of Post and Delete).
  httplib::Server::Handler handler(void (Impl::*method)(const httplib::Request&, httplib::Response&)) {
    return [this, method](const httplib::Request& req, httplib::Response& res) { (this->*method)(req, res); };
  }
  httplib::Server::Handler handler(void (Impl::*method)(pod::ObjectKind, const httplib::Request&, httplib::Response&),
                                   pod::ObjectKind kind) {
    return [this, method, kind](const httplib::Request& req, httplib::Response& res) {
      (this->*method)(kind, req, res);
    };
  }

  void routes() {
    server.Get("/healthz", handler(&Impl::healthz));
    server.Get("/pods", handler(&Impl::list));
    server.Get(R"(/pods/([^/]+)/([^/]+))", handler(&Impl::get_one));
    server.Post("/pods", handler(&Impl::create));
    server.Delete(R"(/pods/([^/]+)/([^/]+))", handler(&Impl::remove));
    server.Get("/metrics", handler(&Impl::metrics));
    server.Get("/events", handler(&Impl::events));
    server.Get("/stats/summary", handler(&Impl::stats_summary));
    server.Get("/node", handler(&Impl::node));
    for (const auto kind : {pod::ObjectKind::ConfigMap, pod::ObjectKind::Secret}) {
      if (deps.objects == nullptr) break;
      const std::string route = route_of(pod::to_string(kind));
      server.Get(route, handler(&Impl::list_objects, kind));
      server.Get(route + R"(/([^/]+)/([^/]+))", handler(&Impl::get_object, kind));
      server.Post(route, handler(&Impl::create_objects, kind));
      server.Delete(route + R"(/([^/]+)/([^/]+))", handler(&Impl::delete_object, kind));
    }
    server.set_exception_handler([](const httplib::Request& req, httplib::Response& res, std::exception_ptr ep) {
      std::string why = "unknown error";
      try {
        std::rethrow_exception(ep);
      } catch (const std::exception& e) {
        why = e.what();
      } catch (...) {
      }
      spdlog::error("http api: {} {}: {}", req.method, req.path, why);
      reply_error(res, 500, why);
    });
    // Unknown paths and httplib's own errors (413, 400) answer in JSON too.
    server.set_error_handler([](const httplib::Request& req, httplib::Response& res) {
      if (!res.body.empty()) return;
      if (res.status == 404) reply_error(res, 404, "no such endpoint: " + req.method + " " + req.path);
      else reply_error(res, res.status, "request failed with HTTP " + std::to_string(res.status));
    });
    server.set_logger([this](const httplib::Request& req, const httplib::Response& res) {
      spdlog::debug("http api: {} {} -> {}", req.method, req.path, res.status);
      deps.metrics.add_counter("node_agent_http_requests_total",
                               {{"method", req.method}, {"code", std::to_string(res.status)}});
    });
  }
};

HttpApi::HttpApi(const std::string& listen, HttpApiDeps deps) : impl_(std::make_unique<Impl>(listen, std::move(deps))) {
  impl_->deps.metrics.describe("node_agent_http_requests_total", "counter",
                               "HTTP API requests by method and status code.");
}

HttpApi::~HttpApi() { stop(); }

void HttpApi::start() { impl_->runner.start(); }

void HttpApi::stop() {
  if (impl_) impl_->runner.stop();
}

int HttpApi::port() const { return impl_->runner.port(); }

}  // namespace agent::server
