#include "common/endpoint.h"

#include <stdexcept>

namespace common {

Endpoint Endpoint::parse(std::string_view text, const EndpointForms& forms) {
  const auto fail = [&](std::string_view why) {
    throw std::invalid_argument("invalid " + std::string(forms.what) + " \"" + std::string(text) +
                                "\": " + std::string(why));
  };
  if (text.empty()) fail("empty");
  Endpoint endpoint;
  std::string_view rest = text;
  const auto scheme_end = text.find("://");
  const std::string_view scheme = scheme_end == std::string_view::npos ? "" : text.substr(0, scheme_end);
  if (scheme_end != std::string_view::npos) rest = text.substr(scheme_end + 3);
  if (scheme == "unix" || (scheme.empty() && text.front() == '/')) {
    if (!forms.unix_socket) fail("a unix socket cannot serve here; expected tcp://host:port");
    if (scheme.empty() && !forms.bare_path) fail("expected unix:///path");
    if (rest.empty() || rest.front() != '/') fail("the unix socket path must be absolute");
    endpoint.kind = Kind::Unix;
    endpoint.path = std::string(rest);
    return endpoint;
  }
  const bool tcp = scheme == "tcp" || (scheme == "http" && forms.http_scheme) ||
                   (scheme.empty() && forms.bare_host_port);
  if (!tcp) {
    std::string expected = forms.unix_socket ? "unix:///path or tcp://host:port" : "tcp://host:port";
    if (forms.bare_host_port) expected += " or host:port";
    fail("expected " + expected);
  }
  if (const auto slash = rest.find('/'); slash != std::string_view::npos) {
    if (rest.find_first_not_of('/', slash) != std::string_view::npos) fail("paths are not supported");
    rest = rest.substr(0, slash);
  }
  endpoint.kind = Kind::Tcp;
  endpoint.port = std::string(forms.default_port);
  if (!rest.empty() && rest.front() == '[') {
    const auto close = rest.find(']');
    if (close == std::string_view::npos) fail("unterminated [ipv6] host");
    endpoint.host = std::string(rest.substr(1, close - 1));
    if (close + 1 < rest.size()) {
      if (rest[close + 1] != ':') fail("garbage after ]");
      endpoint.port = std::string(rest.substr(close + 2));
    }
  } else if (const auto colon = rest.rfind(':'); colon != std::string_view::npos) {
    endpoint.host = std::string(rest.substr(0, colon));
    endpoint.port = std::string(rest.substr(colon + 1));
  } else {
    endpoint.host = std::string(rest);
  }
  if (endpoint.host.empty() && !forms.any_host) fail("missing host");
  if (endpoint.port.empty()) fail("missing port");
  if (endpoint.port.size() > 5 || endpoint.port.find_first_not_of("0123456789") != std::string::npos ||
      std::stoi(endpoint.port) > 65535)
    fail("the port must be a number from 0 to 65535");
  return endpoint;
}

std::string Endpoint::host_port() const {
  if (host.find(':') != std::string::npos) return "[" + host + "]:" + port;
  return host + ":" + port;
}

std::string Endpoint::to_string() const {
  if (kind == Kind::Unix) return "unix://" + path;
  return "tcp://" + host_port();
}

}  // namespace common
