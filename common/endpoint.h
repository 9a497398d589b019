// The addresses cri-shim and node-agent take on their command lines, parsed
// once: a unix socket or a TCP host and port, in these forms
//   unix:///path        a unix socket (the path absolute)
//   /path               the same, where `bare_path` allows it (DOCKER_HOST,
//                       kubelet's --container-runtime-endpoint)
//   tcp://host:port     TCP; [v6] in brackets; ":port" alone only where
//                       `any_host` allows it (then all addresses)
//   host:port           the same, where `bare_host_port` allows it
//   http://host:port    the same, where `http_scheme` allows it (DOCKER_HOST)
// A TCP form may leave out the port where `default_port` gives one. A path
// after the address ("tcp://h:1/") is ignored when it is only slashes.
#pragma once

#include <string>
#include <string_view>

namespace common {

struct EndpointForms {
  std::string_view what = "endpoint";  // names the flag or address in errors
  bool unix_socket = true;
  bool bare_path = false;
  bool bare_host_port = false;
  bool http_scheme = false;
  bool any_host = false;
  std::string_view default_port = {};  // "" = the port is required
};

struct Endpoint {
  enum class Kind { Unix, Tcp } kind = Kind::Unix;
  std::string path;  // Unix
  std::string host;  // Tcp, without brackets; "" = all addresses
  std::string port;  // Tcp, digits (0-65535)

  // Throws std::invalid_argument naming forms.what, `text` and what is wrong.
  static Endpoint parse(std::string_view text, const EndpointForms& forms);
  // "unix:///path", "tcp://host:port", "tcp://[v6]:port".
  std::string to_string() const;
  // Tcp: "host:port" or "[v6]:port", as gRPC and HTTP servers take it.
  std::string host_port() const;
};

}  // namespace common
