// The streaming server's HTTP side without Docker: what it refuses and how.
// (Sessions that run are tested through the real binary in
// tests/integration/streaming_test.cc.)
#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <thread>
#include <vector>

#include "shim/streaming/streaming_server.h"

using namespace shim::streaming;
using namespace std::chrono_literals;

namespace {

// A connection to 127.0.0.1:port.
int connect_loopback(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  REQUIRE(fd >= 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
  return fd;
}

// Sends `request` to 127.0.0.1:port and returns all the server answers
// until it closes (or 5 s).
std::string http_exchange(std::uint16_t port, const std::string& request) {
  const int fd = connect_loopback(port);
  timeval timeout{5, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  ::send(fd, request.data(), request.size(), MSG_NOSIGNAL);
  std::string reply;
  char buffer[4096];
  for (;;) {
    const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) break;
    reply.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return reply;
}

// A connection to 127.0.0.1:port that has sent `start` and holds on.
int open_partial(std::uint16_t port, const std::string& start) {
  const int fd = connect_loopback(port);
  ::send(fd, start.data(), start.size(), MSG_NOSIGNAL);
  return fd;
}

std::string path_of(const std::string& url) {
  return url.substr(url.find('/', std::string("http://").size()));
}

std::string spdy_request(const std::string& path, const std::string& protocol) {
  return "POST " + path + " HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\n" +
         (protocol.empty() ? "" : "X-Stream-Protocol-Version: " + protocol + "\r\n") + "\r\n";
}

ExecRequest exec_request() {
  ExecRequest request;
  request.container_id = "c1";
  request.cmd = {"sh"};
  request.stdout_ = true;
  return request;
}

}  // namespace

TEST_CASE("streaming URLs are absolute, on loopback, one kind per path") {
  docker::Client docker(docker::Endpoint::parse("unix:///nonexistent/docker.sock"));
  StreamingServer server(docker, {});
  CHECK(server.port() != 0);
  CHECK(server.base_url() == "http://127.0.0.1:" + std::to_string(server.port()));
  CHECK(server.url_for(exec_request()).rfind(server.base_url() + "/exec/", 0) == 0);
  CHECK(server.url_for(AttachRequest{"c1", false, false, true, false})
            .rfind(server.base_url() + "/attach/", 0) == 0);
  CHECK(server.url_for(PortForwardRequest{"s1", {80}})
            .rfind(server.base_url() + "/portforward/", 0) == 0);
}

TEST_CASE("IPv6 loopback URLs carry brackets") {
  docker::Client docker(docker::Endpoint::parse("unix:///nonexistent/docker.sock"));
  StreamingServerOptions options;
  options.address = "::1";
  try {
    StreamingServer server(docker, options);
    CHECK(server.base_url() == "http://[::1]:" + std::to_string(server.port()));
  } catch (const std::system_error& e) {
    MESSAGE("no IPv6 loopback here: " << e.what());
  }
}

TEST_CASE("a bad address is refused at construction") {
  docker::Client docker(docker::Endpoint::parse("unix:///nonexistent/docker.sock"));
  StreamingServerOptions options;
  options.address = "localhost";
  CHECK_THROWS_AS(StreamingServer(docker, options), std::invalid_argument);
}

TEST_CASE("unknown, used, expired and wrong-kind tokens get 404 and run nothing") {
  docker::Client docker(docker::Endpoint::parse("unix:///nonexistent/docker.sock"));
  // The default TTL (a minute) for the used and wrong-kind tokens: with a
  // short one, a loaded machine's slow exchange found the token expired
  // (404 instead of the 400 checked below). The expiry itself is checked on
  // a server of its own with a 300 ms TTL.
  StreamingServer server(docker, {});
  const auto port = server.port();

  CHECK(http_exchange(port, spdy_request("/exec/not-a-token", "v4.channel.k8s.io"))
            .rfind("HTTP/1.1 404", 0) == 0);

  // Used: the first client takes it (refused for its missing upgrade), the
  // second finds nothing.
  const auto path = path_of(server.url_for(exec_request()));
  const auto first = http_exchange(port, "GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n");
  CHECK(first.rfind("HTTP/1.1 400", 0) == 0);
  CHECK(first.find("upgrade") != std::string::npos);
  CHECK(http_exchange(port, spdy_request(path, "v4.channel.k8s.io")).rfind("HTTP/1.1 404", 0) == 0);

  // A token of another kind than its path.
  const auto exec_token = path_of(server.url_for(exec_request())).substr(6);
  CHECK(http_exchange(port, spdy_request("/attach/" + exec_token, "v4.channel.k8s.io"))
            .rfind("HTTP/1.1 404", 0) == 0);

  StreamingServerOptions short_lived;
  short_lived.token_ttl = 300ms;
  StreamingServer expiring(docker, short_lived);
  const auto expired = path_of(expiring.url_for(exec_request()));
  std::this_thread::sleep_for(400ms);
  CHECK(http_exchange(expiring.port(), spdy_request(expired, "v4.channel.k8s.io")).rfind("HTTP/1.1 404", 0) == 0);
}

TEST_CASE("SPDY without a protocol we speak is refused with the list we accept") {
  docker::Client docker(docker::Endpoint::parse("unix:///nonexistent/docker.sock"));
  StreamingServer server(docker, {});
  const auto refused = http_exchange(server.port(), spdy_request(path_of(server.url_for(exec_request())),
                                                            "v9.channel.k8s.io"));
  CHECK(refused.rfind("HTTP/1.1 403", 0) == 0);
  CHECK(refused.find("X-Accepted-Stream-Protocol-Versions: v4.channel.k8s.io") != std::string::npos);
  CHECK(refused.find("X-Accepted-Stream-Protocol-Versions: channel.k8s.io") != std::string::npos);

  const auto missing = http_exchange(server.port(), spdy_request(path_of(server.url_for(exec_request())), ""));
  CHECK(missing.rfind("HTTP/1.1 400", 0) == 0);

  const auto forward = http_exchange(
      server.port(),
      spdy_request(path_of(server.url_for(PortForwardRequest{"s1", {80}})), "v4.channel.k8s.io"));
  CHECK(forward.rfind("HTTP/1.1 403", 0) == 0);
  CHECK(forward.find("X-Accepted-Stream-Protocol-Versions: portforward.k8s.io") != std::string::npos);
}

TEST_CASE("garbage instead of HTTP gets 400 and the server keeps serving") {
  docker::Client docker(docker::Endpoint::parse("unix:///nonexistent/docker.sock"));
  StreamingServer server(docker, {});
  CHECK(http_exchange(server.port(), "\x16\x03\x01 not http at all\r\n\r\n").rfind("HTTP/1.1 400", 0) == 0);
  CHECK(http_exchange(server.port(), spdy_request("/exec/x", "v4.channel.k8s.io")).rfind("HTTP/1.1 404", 0) == 0);
}

TEST_CASE("oversized headers get 400 and the server keeps serving") {
  docker::Client docker(docker::Endpoint::parse("unix:///nonexistent/docker.sock"));
  StreamingServer server(docker, {});
  const std::string huge = "GET /exec/x HTTP/1.1\r\nHost: x\r\nX-Filler: " + std::string(64 * 1024, 'a') + "\r\n\r\n";
  CHECK(http_exchange(server.port(), huge).rfind("HTTP/1.1 400", 0) == 0);
  CHECK(http_exchange(server.port(), spdy_request("/exec/x", "v4.channel.k8s.io")).rfind("HTTP/1.1 404", 0) == 0);
}

TEST_CASE("slow-loris: connections that never finish their request hold a bounded few threads, for a bounded time") {
  docker::Client docker(docker::Endpoint::parse("unix:///nonexistent/docker.sock"));
  StreamingServerOptions options;
  options.max_pending_requests = 4;
  options.request_timeout = 1500ms;
  StreamingServer server(docker, options);
  std::vector<int> slow;
  for (int i = 0; i < 4; ++i) slow.push_back(open_partial(server.port(), "GET /exec/x HTTP/1.1\r\nHo"));
  std::this_thread::sleep_for(200ms);  // all four accepted and reading
  // A fifth is refused at once instead of holding one more thread.
  const auto refused_at = std::chrono::steady_clock::now();
  CHECK(http_exchange(server.port(), spdy_request("/exec/x", "v4.channel.k8s.io")).rfind("HTTP/1.1 503", 0) == 0);
  CHECK(std::chrono::steady_clock::now() - refused_at < 1s);
  // The slow ones are cut at request_timeout (400), and room comes back.
  for (const int fd : slow) {
    timeval timeout{5, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    char buffer[256];
    const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    CHECK(n > 0);
    if (n > 0) CHECK(std::string(buffer, static_cast<std::size_t>(n)).rfind("HTTP/1.1 400", 0) == 0);
    ::close(fd);
  }
  CHECK(http_exchange(server.port(), spdy_request("/exec/x", "v4.channel.k8s.io")).rfind("HTTP/1.1 404", 0) == 0);
}
