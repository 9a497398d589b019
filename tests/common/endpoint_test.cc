#include "common/endpoint.h"

#include <doctest/doctest.h>

#include <stdexcept>

using common::Endpoint;
using common::EndpointForms;

TEST_CASE("endpoints: unix sockets and TCP addresses in the forms each flag allows") {
  const EndpointForms listen{.what = "listen address"};
  const auto unix_socket = Endpoint::parse("unix:///run/cri-shim.sock", listen);
  CHECK(unix_socket.kind == Endpoint::Kind::Unix);
  CHECK(unix_socket.path == "/run/cri-shim.sock");
  CHECK(unix_socket.to_string() == "unix:///run/cri-shim.sock");
  const auto tcp = Endpoint::parse("tcp://127.0.0.1:10010", listen);
  CHECK(tcp.kind == Endpoint::Kind::Tcp);
  CHECK(tcp.host_port() == "127.0.0.1:10010");
  const auto v6 = Endpoint::parse("tcp://[::1]:10010/", listen);
  CHECK(v6.host == "::1");
  CHECK(v6.host_port() == "[::1]:10010");
  CHECK(v6.to_string() == "tcp://[::1]:10010");
  // Forms this flag does not take, with the reason in the message.
  CHECK_THROWS_WITH_AS(Endpoint::parse("/run/x.sock", listen), doctest::Contains("unix:///path"),
                       std::invalid_argument);
  CHECK_THROWS_AS(Endpoint::parse("127.0.0.1:1", listen), std::invalid_argument);
  CHECK_THROWS_AS(Endpoint::parse("tcp://h", listen), std::invalid_argument);       // no default port
  CHECK_THROWS_AS(Endpoint::parse("tcp://:1", listen), std::invalid_argument);      // no host
  CHECK_THROWS_AS(Endpoint::parse("tcp://h:70000", listen), std::invalid_argument);
  CHECK_THROWS_AS(Endpoint::parse("tcp://h:1/path", listen), std::invalid_argument);
  CHECK_THROWS_AS(Endpoint::parse("unix://", listen), std::invalid_argument);
  CHECK_THROWS_WITH_AS(Endpoint::parse("", listen), doctest::Contains("invalid listen address"),
                       std::invalid_argument);

  const EndpointForms api{.unix_socket = false, .bare_host_port = true, .any_host = true};
  CHECK(Endpoint::parse("0.0.0.0:0", api).port == "0");
  CHECK(Endpoint::parse(":8080", api).host.empty());
  CHECK(Endpoint::parse("tcp://[::]:8080", api).host == "::");
  CHECK_THROWS_AS(Endpoint::parse("unix:///x.sock", api), std::invalid_argument);
  CHECK_THROWS_AS(Endpoint::parse("no-port", api), std::invalid_argument);

  const EndpointForms docker{.bare_path = true, .http_scheme = true, .default_port = "2375"};
  CHECK(Endpoint::parse("/var/run/docker.sock", docker).path == "/var/run/docker.sock");
  CHECK(Endpoint::parse("http://dockerhost", docker).to_string() == "tcp://dockerhost:2375");
}
