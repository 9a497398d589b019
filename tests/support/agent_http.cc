#include "tests/support/agent_http.h"

#include <httplib.h>

#include <chrono>
#include <sstream>
#include <stdexcept>

namespace support {

namespace {

httplib::Client client(const std::string& host, int port) {
  httplib::Client cli(host, port);
  cli.set_connection_timeout(std::chrono::seconds(2));
  cli.set_read_timeout(std::chrono::seconds(30));
  cli.set_write_timeout(std::chrono::seconds(30));
  return cli;
}

HttpReply reply_of(const httplib::Result& result) {
  HttpReply reply;
  if (!result) {
    reply.error = httplib::to_string(result.error());
    return reply;
  }
  reply.status = result->status;
  reply.body = result->body;
  return reply;
}

std::string describe(const std::string& request, const HttpReply& reply) {
  if (reply.status == 0) return request + ": no answer (" + reply.error + ")";
  return request + ": HTTP " + std::to_string(reply.status) + ": " + reply.body.substr(0, 2000);
}

}  // namespace

AgentHttp::AgentHttp(std::string host, int port) : host_(std::move(host)), port_(port) {}

HttpReply AgentHttp::get(const std::string& path) const {
  auto cli = client(host_, port_);
  return reply_of(cli.Get(path));
}

HttpReply AgentHttp::post(const std::string& path, const std::string& body, const std::string& content_type) const {
  auto cli = client(host_, port_);
  return reply_of(cli.Post(path, body, content_type));
}

HttpReply AgentHttp::del(const std::string& path) const {
  auto cli = client(host_, port_);
  return reply_of(cli.Delete(path));
}

nlohmann::json AgentHttp::pods() const {
  const HttpReply reply = get("/pods");
  if (reply.status != 200) throw std::runtime_error(describe("GET /pods", reply));
  const auto list = nlohmann::json::parse(reply.body, nullptr, false);
  if (list.is_discarded() || !list.is_object() || list.value("kind", "") != "PodList")
    throw std::runtime_error("GET /pods: not a PodList: " + reply.body.substr(0, 2000));
  if (!list.contains("items") || list["items"].is_null()) return nlohmann::json::array();
  if (!list["items"].is_array()) throw std::runtime_error("GET /pods: items is not an array");
  return list["items"];
}

std::optional<nlohmann::json> AgentHttp::pod(const std::string& namespace_, const std::string& name) const {
  const std::string request = "/pods/" + namespace_ + "/" + name;
  const HttpReply reply = get(request);
  if (reply.status == 404) return std::nullopt;
  if (reply.status != 200) throw std::runtime_error(describe("GET " + request, reply));
  auto pod = nlohmann::json::parse(reply.body, nullptr, false);
  if (pod.is_discarded() || !pod.is_object())
    throw std::runtime_error("GET " + request + ": not a JSON object: " + reply.body.substr(0, 2000));
  return pod;
}

std::string AgentHttp::metrics() const {
  const HttpReply reply = get("/metrics");
  if (reply.status != 200) throw std::runtime_error(describe("GET /metrics", reply));
  return reply.body;
}

std::optional<nlohmann::json> find_pod(const nlohmann::json& items, const std::string& namespace_,
                                       const std::string& name) {
  for (const auto& item : items) {
    const auto& meta = item.value("metadata", nlohmann::json::object());
    if (meta.value("namespace", "default") == namespace_ && meta.value("name", "") == name) return item;
  }
  return std::nullopt;
}

double metric_sum(const std::string& text, const std::string& family, const std::string& label,
                  const std::vector<std::string>& excluded) {
  double total = 0;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    // A sample is `name{labels} value` or `name value`: the name must be
    // the family exactly, not a longer name that starts with it.
    if (line.compare(0, family.size(), family) != 0) continue;
    if (line.size() <= family.size() || (line[family.size()] != '{' && line[family.size()] != ' ')) continue;
    bool skip = false;
    for (const auto& value : excluded)
      skip = skip || line.find(label + "=\"" + value + "\"") != std::string::npos;
    if (skip) continue;
    const auto space = line.rfind(' ');
    try {
      total += std::stod(line.substr(space + 1));
    } catch (const std::exception&) {
      // NaN or garbage in one sample does not hide the others.
    }
  }
  return total;
}

}  // namespace support
