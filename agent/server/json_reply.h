// The text of every JSON answer of the agent's HTTP API.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace agent::server {

// Never throws: a byte that is not UTF-8 (an error message quoting a
// request's bytes) is replaced by U+FFFD instead of failing the answer,
// which would otherwise be a 500 for a bad request (and, for a pod that got
// in, for every later GET /pods).
inline std::string json_text(const nlohmann::json& body) {
  return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace agent::server
