// Issue 16, bad input on node-agent's HTTP API (the real binary): malformed
// and random bodies on every route that reads one get a 400 with a JSON
// error; bodies over the 1 MiB limit are refused, 413 when announced, 400
// when chunked (cpp-httplib's answers; it reads such a body to its end and
// drops it rather than keeping it, so the connection stays in step); the
// agent serves on, its memory where it was.
#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <map>
#include <random>

#include "tests/agent/e2e/e2e_fixture.h"
#include "tests/support/sanitizer_run.h"

namespace e2e {
namespace {

long rss_kib(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string key;
  long value = 0;
  while (status >> key) {
    if (key == "VmRSS:") {
      status >> value;
      return value;
    }
  }
  return -1;
}

// Sends `head`, then up to `body_bytes` of filler in 64 KiB writes for as
// long as the agent reads them; returns its answer and how much it took.
struct RawReply {
  std::string text;
  std::size_t sent = 0;
};
RawReply send_raw(int port, const std::string& head, std::size_t body_bytes, bool chunked) {
  RawReply reply;
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  REQUIRE(fd >= 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
  timeval timeout{10, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
  ::send(fd, head.data(), head.size(), MSG_NOSIGNAL);
  const std::string block(64 * 1024, 'a');
  char size_line[32];
  std::snprintf(size_line, sizeof size_line, "%zx\r\n", block.size());
  while (reply.sent < body_bytes) {
    const std::string piece = chunked ? size_line + block + "\r\n" : block;
    if (::send(fd, piece.data(), piece.size(), MSG_NOSIGNAL) <= 0) break;  // the agent closed it
    reply.sent += block.size();
  }
  char buffer[4096];
  ssize_t n;
  while ((n = ::recv(fd, buffer, sizeof buffer, 0)) > 0) reply.text.append(buffer, static_cast<std::size_t>(n));
  ::close(fd);
  return reply;
}

}  // namespace

TEST_CASE("agent API: malformed, random and oversized bodies get 400 or 413; the agent serves on") {
  Node node;
  const auto http = node.http();
  const long rss_before = rss_kib(node.agent().pid());
  std::mt19937 random(7);
  const std::string good = pod_manifest(node.ns(), "ok", json::array({shell_container("app", "sleep 1")})).dump();
  std::map<int, int> statuses;
  int not_json = 0;
  for (const std::string route : {"/pods", "/configmaps", "/secrets"}) {
    for (int i = 0; i < 40; ++i) {
      std::string body;
      if (i % 2 == 0) {
        body.resize(random() % 400);
        for (auto& c : body) c = static_cast<char>(random());
      } else {
        body = good.substr(0, random() % good.size());  // never the whole manifest
      }
      const auto reply = http.post(route, body);
      ++statuses[reply.status];
      if (json::parse(reply.body, nullptr, false).is_discarded()) ++not_json;
      CHECK_MESSAGE(reply.status == 400, route << ": " << reply.status << " " << reply.body);
    }
  }
  CHECK(not_json == 0);

  // 64 MiB announced, and 64 MiB chunked: refused long before the end.
  const std::size_t huge = 64u << 20;
  const auto announced = send_raw(node.agent().port(),
                                  "POST /pods HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                                  "Content-Length: " + std::to_string(huge) + "\r\n\r\n",
                                  huge, false);
  CHECK_MESSAGE(announced.text.rfind("HTTP/1.1 413", 0) == 0, announced.text.substr(0, 200));
  const auto chunked = send_raw(node.agent().port(),
                                "POST /pods HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                                "Transfer-Encoding: chunked\r\n\r\n",
                                huge, true);
  CHECK_MESSAGE((chunked.text.rfind("HTTP/1.1 413", 0) == 0 || chunked.text.rfind("HTTP/1.1 400", 0) == 0),
                chunked.text.substr(0, 200));
  CHECK(chunked.text.find("{\"error\":") != std::string::npos);

  CHECK(http.get("/healthz").status == 200);
  const long rss_after = rss_kib(node.agent().pid());
  if (!support::sanitizer_run()) CHECK(rss_after - rss_before < 16 * 1024);  // ASan's shadow counts in RSS
  MESSAGE("120 bad bodies: all 400 with a JSON error; 64 MiB bodies refused (" << announced.sent / 1024
                                                                             << " KiB sent announced, "
                                                                             << chunked.sent / 1024
                                                                             << " KiB chunked); agent RSS "
                                                                             << rss_before / 1024 << " -> "
                                                                             << rss_after / 1024 << " MiB");
}

}  // namespace e2e
