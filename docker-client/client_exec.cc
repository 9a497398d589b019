// Exec calls: create, attached start (hijack), detached start, inspect, resize.
#include "docker-client/client.h"
#include "docker-client/client_internal.h"
#include "docker-client/encoding.h"
#include "docker-client/hijacked_socket.h"
#include "docker-client/json_mapping.h"

namespace docker {

using namespace detail;
using nlohmann::json;

std::string Client::create_exec(const std::string& container_id, const ExecConfig& config,
                                const CallOptions& options) {
  json j = ok_json(transport_->call(
      make_request(verb::post, path("/containers/" + escape_path(container_id) + "/exec", options),
                   config.to_json().dump()),
      options));
  std::string id = string_field(j, "Id");
  if (id.empty()) throw DockerError(DockerError::Kind::Protocol, 0, "exec create reply had no Id");
  return id;
}

std::unique_ptr<HijackedStream> Client::start_exec(const std::string& exec_id, bool tty,
                                                   const CallOptions& options) {
  Request r = make_request(verb::post, path("/exec/" + escape_path(exec_id) + "/start", options),
                           json{{"Detach", false}, {"Tty", tty}}.dump());
  r.upgrade = true;
  auto h = transport_->hijack(r, options);
  if (h.fd < 0) throw_http_error(h.head);
  return std::make_unique<HijackedSocket>(h.fd, std::move(h.leftover), tty);
}

void Client::start_exec_detached(const std::string& exec_id, const CallOptions& options) {
  expect_ok(transport_->call(
      make_request(verb::post, path("/exec/" + escape_path(exec_id) + "/start", options),
                   R"({"Detach":true,"Tty":false})"),
      options));
}

ExecInspect Client::inspect_exec(const std::string& exec_id, const CallOptions& options) {
  return take<ExecInspect>(ok_json(transport_->call(
      make_request(verb::get, path("/exec/" + escape_path(exec_id) + "/json", options)), options)));
}

void Client::resize_exec(const std::string& exec_id, int height, int width,
                         const CallOptions& options) {
  Query q;
  q.add("h", std::to_string(height)).add("w", std::to_string(width));
  expect_ok(transport_->call(
      make_request(verb::post, path("/exec/" + escape_path(exec_id) + "/resize" + q.str(), options)),
      options));
}

}  // namespace docker
