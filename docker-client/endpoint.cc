#include "docker-client/client.h"

namespace docker {

Endpoint Endpoint::parse(const std::string& uri) {
  return Endpoint{common::Endpoint::parse(
      uri, {.what = "docker endpoint", .bare_path = true, .http_scheme = true, .default_port = "2375"})};
}

}  // namespace docker
