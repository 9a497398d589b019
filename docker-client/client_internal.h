// Helpers shared by the client_*.cc files: reply checking and parsing.
#pragma once

#include <string>
#include <string_view>

#include <boost/beast/http/verb.hpp>
#include <nlohmann/json.hpp>

#include "docker-client/error.h"
#include "docker-client/transport.h"

namespace docker::detail {

using boost::beast::http::verb;

// DockerError(Http, status, Docker's {"message": ...} or the body's text).
[[noreturn]] void throw_http_error(const Response& r);

inline void expect_ok(const Response& r) {
  if (!r.ok()) throw_http_error(r);
}

// The body as JSON; a body that isn't is DockerError(Protocol).
nlohmann::json parse_json(const std::string& body);

// Expects a 2xx and returns its body as JSON.
inline nlohmann::json ok_json(const Response& r) {
  expect_ok(r);
  return parse_json(r.body);
}

// Throws DockerError(Stream) when a progress line reports an error
// ({"errorDetail":{"message":...},"error":...}).
void check_stream_line(const nlohmann::json& line);

inline Request make_request(verb method, std::string target, std::string body = {}) {
  Request r;
  r.method = method;
  r.target = std::move(target);
  r.body = std::move(body);
  return r;
}

}  // namespace docker::detail
