// A client of node-agent's HTTP API (agent/server/http_api.h) for the tests
// and the benchmarks (they wait with tests/support/wait_for.h).
//
// Contract: pods() and pod() throw std::runtime_error when the agent does
// not answer or answers something that is not the JSON promised, naming the
// request and what came back; the raw calls (get, post, del) never throw for
// an HTTP status, only report it.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace support {

struct HttpReply {
  int status = 0;    // 0: no answer (refused, timed out)
  std::string body;
  std::string error; // why there was no answer
};

class AgentHttp {
 public:
  AgentHttp(std::string host, int port);

  HttpReply get(const std::string& path) const;
  HttpReply post(const std::string& path, const std::string& body,
                 const std::string& content_type = "application/yaml") const;
  HttpReply del(const std::string& path) const;

  // GET /pods: the PodList's items.
  nlohmann::json pods() const;
  // GET /pods/{ns}/{name}: the Pod, or nullopt on 404.
  std::optional<nlohmann::json> pod(const std::string& namespace_, const std::string& name) const;
  // GET /metrics: Prometheus text.
  std::string metrics() const;

 private:
  std::string host_;
  int port_;
};

// The pod named `name` in `namespace_` among `items` (a PodList's items), or
// nullopt.
std::optional<nlohmann::json> find_pod(const nlohmann::json& items, const std::string& namespace_,
                                       const std::string& name);

// The sum over every series of a Prometheus family in `text` (e.g.
// "node_agent_cri_call_duration_seconds_sum", all methods); 0 when absent.
// Series whose `label` (e.g. "method") has a value in `excluded` are left
// out (e.g. the PLEG's relists, ListPodSandbox and ListContainers).
double metric_sum(const std::string& text, const std::string& family, const std::string& label = "",
                  const std::vector<std::string>& excluded = {});

}  // namespace support
