// The Engine API endpoint a request went to, as a metric label: the method
// and the path with every object's ID or name replaced by a placeholder, and
// without the version prefix and query, so that one endpoint is one series
// however many containers there are:
//   GET /v1.41/containers/3f2a.../json?size=1  ->  "GET /containers/{id}/json"
//   POST /v1.41/images/create?fromImage=...    ->  "POST /images/create"
//   DELETE /v1.41/images/127.0.0.1:5000/a/b:1  ->  "DELETE /images/{name}"
#pragma once

#include <string>
#include <string_view>

namespace docker {

std::string endpoint_label(std::string_view method, std::string_view target);

}  // namespace docker
