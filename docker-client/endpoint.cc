// Endpoint parsing: the forms DOCKER_HOST and cri-dockerd's --docker-endpoint take.
#include <stdexcept>

#include "docker-client/client.h"

namespace docker {

Endpoint Endpoint::parse(const std::string& uri) {
  Endpoint ep;
  auto fail = [&](const char* why) {
    throw std::invalid_argument("invalid docker endpoint \"" + uri + "\": " + why);
  };
  if (uri.empty()) fail("empty");
  if (uri.front() == '/') {
    ep.kind = Kind::Unix;
    ep.path = uri;
    return ep;
  }
  auto sep = uri.find("://");
  if (sep == std::string::npos) fail("expected unix://, tcp:// or an absolute socket path");
  std::string scheme = uri.substr(0, sep);
  std::string rest = uri.substr(sep + 3);
  if (scheme == "unix") {
    if (rest.empty() || rest.front() != '/') fail("unix socket path must be absolute");
    ep.kind = Kind::Unix;
    ep.path = rest;
    return ep;
  }
  if (scheme != "tcp" && scheme != "http") fail("unsupported scheme (only unix and tcp)");
  if (auto slash = rest.find('/'); slash != std::string::npos) {
    if (rest.find_first_not_of('/', slash) != std::string::npos) fail("paths are not supported");
    rest.resize(slash);
  }
  ep.kind = Kind::Tcp;
  ep.port = "2375";  // dockerd's plain-HTTP default
  if (!rest.empty() && rest.front() == '[') {  // [v6]:port
    auto close = rest.find(']');
    if (close == std::string::npos) fail("unterminated [ipv6] host");
    ep.host = rest.substr(1, close - 1);
    if (close + 1 < rest.size()) {
      if (rest[close + 1] != ':') fail("garbage after ]");
      ep.port = rest.substr(close + 2);
    }
  } else if (auto colon = rest.rfind(':'); colon != std::string::npos) {
    ep.host = rest.substr(0, colon);
    ep.port = rest.substr(colon + 1);
  } else {
    ep.host = rest;
  }
  if (ep.host.empty()) fail("missing host");
  if (ep.port.empty() || ep.port.find_first_not_of("0123456789") != std::string::npos)
    fail("port must be a number");
  return ep;
}

std::string Endpoint::to_string() const {
  if (kind == Kind::Unix) return "unix://" + path;
  if (host.find(':') != std::string::npos) return "tcp://[" + host + "]:" + port;
  return "tcp://" + host + ":" + port;
}

}  // namespace docker
