// httpGet, tcpSocket and grpc probes against real servers on loopback.
#include "agent/prober/network_probes.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <doctest/doctest.h>
#include <grpcpp/grpcpp.h>
#include <httplib.h>

#include <map>
#include <thread>

#include "grpc/health/v1/health.grpc.pb.h"
#include "tests/support/local_http_server.h"

using namespace agent::prober;
using namespace std::chrono_literals;
using agent::pod::HttpHeader;

namespace {

using support::LocalHttpServer;

HttpProbeTarget target(int port, const std::string& path) {
  HttpProbeTarget t;
  t.host = "127.0.0.1";
  t.port = port;
  t.path = path;
  return t;
}

// A loopback port nothing listens on (bound, then closed).
int closed_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address));
  socklen_t length = sizeof(address);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  ::close(fd);
  return ntohs(address.sin_port);
}

}  // namespace

TEST_CASE("httpGet: 2xx and 3xx succeed, 4xx and 5xx fail, with kubelet's words") {
  LocalHttpServer server([](httplib::Server& s) {
    s.Get("/ok", [](const httplib::Request&, httplib::Response& r) { r.set_content("fine", "text/plain"); });
    s.Get("/missing", [](const httplib::Request&, httplib::Response& r) { r.status = 404; });
    s.Get("/broken", [](const httplib::Request&, httplib::Response& r) { r.status = 503; });
    s.Get("/not-modified", [](const httplib::Request&, httplib::Response& r) { r.status = 304; });
  });
  const ProbeOutcome ok = http_probe(target(server.port(), "/ok"), 1s);
  CHECK(ok.result == ProbeResult::Success);
  CHECK(ok.output == "fine");
  CHECK(http_probe(target(server.port(), "/not-modified"), 1s).result == ProbeResult::Success);
  const ProbeOutcome missing = http_probe(target(server.port(), "/missing"), 1s);
  CHECK(missing.result == ProbeResult::Failure);
  CHECK(missing.output == "HTTP probe failed with statuscode: 404");
  CHECK(http_probe(target(server.port(), "/broken"), 1s).result == ProbeResult::Failure);
}

TEST_CASE("httpGet: kubelet's default headers, the probe's own headers and Host") {
  std::string user_agent, accept, custom, host;
  LocalHttpServer server([&](httplib::Server& s) {
    s.Get("/h", [&](const httplib::Request& q, httplib::Response& r) {
      user_agent = q.get_header_value("User-Agent");
      accept = q.get_header_value("Accept");
      custom = q.get_header_value("X-Custom");
      host = q.get_header_value("Host");
      r.set_content("", "text/plain");
    });
  });
  HttpProbeTarget t = target(server.port(), "/h");
  REQUIRE(http_probe(t, 1s).result == ProbeResult::Success);
  CHECK(user_agent == kProbeUserAgent);
  CHECK(accept == "*/*");
  t.headers = {HttpHeader{"X-Custom", "42"}, HttpHeader{"Host", "app.example"}, HttpHeader{"Accept", "text/plain"}};
  REQUIRE(http_probe(t, 1s).result == ProbeResult::Success);
  CHECK(custom == "42");
  CHECK(host == "app.example");
  CHECK(accept == "text/plain");
}

TEST_CASE("httpGet: same-host redirects are followed, another host's is a warning (a success)") {
  LocalHttpServer server([](httplib::Server& s) {
    s.Get("/moved", [](const httplib::Request&, httplib::Response& r) { r.set_redirect("/ok"); });
    s.Get("/moved-to-missing", [](const httplib::Request&, httplib::Response& r) { r.set_redirect("/missing"); });
    s.Get("/away", [](const httplib::Request&, httplib::Response& r) {
      r.set_redirect("http://elsewhere.invalid/");
      r.set_content("see elsewhere", "text/plain");
    });
    s.Get("/loop", [](const httplib::Request&, httplib::Response& r) { r.set_redirect("/loop"); });
    s.Get("/ok", [](const httplib::Request&, httplib::Response& r) { r.set_content("here", "text/plain"); });
    s.Get("/missing", [](const httplib::Request&, httplib::Response& r) { r.status = 404; });
  });
  const ProbeOutcome followed = http_probe(target(server.port(), "/moved"), 1s);
  CHECK(followed.result == ProbeResult::Success);
  CHECK(followed.output == "here");
  CHECK(http_probe(target(server.port(), "/moved-to-missing"), 1s).result == ProbeResult::Failure);
  const ProbeOutcome away = http_probe(target(server.port(), "/away"), 1s);
  CHECK(away.result == ProbeResult::Warning);
  CHECK(away.output.find("Probe terminated redirects") == 0);
  const ProbeOutcome loop = http_probe(target(server.port(), "/loop"), 1s);
  CHECK(loop.result == ProbeResult::Failure);
  CHECK(loop.output.find("stopped after 10 redirects") != std::string::npos);
}

TEST_CASE("httpGet: at most 10 KiB of the body is kept; a slow answer times out; nothing listening fails") {
  LocalHttpServer server([](httplib::Server& s) {
    s.Get("/big", [](const httplib::Request&, httplib::Response& r) {
      r.set_content(std::string(1 << 20, 'x'), "text/plain");
    });
    s.Get("/slow", [](const httplib::Request&, httplib::Response& r) {
      std::this_thread::sleep_for(2500ms);
      r.set_content("late", "text/plain");
    });
  });
  const ProbeOutcome big = http_probe(target(server.port(), "/big"), 1s);
  CHECK(big.result == ProbeResult::Success);
  CHECK(big.output.size() == 10 * 1024);
  // Answered after 2.5 s: the 1 s timeout ends it first (else it would succeed).
  const ProbeOutcome slow = http_probe(target(server.port(), "/slow"), 1s);
  CHECK(slow.result == ProbeResult::Failure);
  const ProbeOutcome refused = http_probe(target(closed_port(), "/"), 1s);
  CHECK(refused.result == ProbeResult::Failure);
  CHECK(refused.output.find("Get \"http://127.0.0.1:") == 0);
}

TEST_CASE("tcpSocket: a listening port succeeds, a closed one fails") {
  LocalHttpServer server([](httplib::Server&) {});
  CHECK(tcp_probe("127.0.0.1", server.port(), 1s).result == ProbeResult::Success);
  const ProbeOutcome refused = tcp_probe("127.0.0.1", closed_port(), 1s);
  CHECK(refused.result == ProbeResult::Failure);
  CHECK(refused.output.find("connect: Connection refused") != std::string::npos);
  CHECK(tcp_probe("no-such-host.invalid", 80, 1s).result == ProbeResult::Failure);
}

// A grpc.health.v1 server: each service's status as the test sets it ("" is
// the server as a whole); an unknown service is NOT_FOUND, as the protocol
// says.
class HealthService final : public grpc::health::v1::Health::Service {
 public:
  std::map<std::string, grpc::health::v1::HealthCheckResponse::ServingStatus> statuses;

  grpc::Status Check(grpc::ServerContext*, const grpc::health::v1::HealthCheckRequest* request,
                     grpc::health::v1::HealthCheckResponse* response) override {
    auto it = statuses.find(request->service());
    if (it == statuses.end()) return grpc::Status(grpc::StatusCode::NOT_FOUND, "unknown service");
    response->set_status(it->second);
    return grpc::Status::OK;
  }
};

TEST_CASE("grpc: grpc.health.v1 SERVING succeeds, NOT_SERVING and no server fail") {
  HealthService health;
  health.statuses = {{"", grpc::health::v1::HealthCheckResponse::SERVING},
                     {"ready-service", grpc::health::v1::HealthCheckResponse::SERVING},
                     {"sick-service", grpc::health::v1::HealthCheckResponse::NOT_SERVING}};
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(&health);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  REQUIRE(server);
  REQUIRE(port > 0);

  CHECK(grpc_probe("127.0.0.1", port, std::nullopt, 1s).result == ProbeResult::Success);
  CHECK(grpc_probe("127.0.0.1", port, std::string("ready-service"), 1s).result == ProbeResult::Success);
  const ProbeOutcome sick = grpc_probe("127.0.0.1", port, std::string("sick-service"), 1s);
  CHECK(sick.result == ProbeResult::Failure);
  CHECK(sick.output == "service unhealthy (responded with \"NOT_SERVING\")");
  CHECK(grpc_probe("127.0.0.1", port, std::string("nobody"), 1s).result == ProbeResult::Failure);
  server->Shutdown();

  const ProbeOutcome none = grpc_probe("127.0.0.1", closed_port(), std::nullopt, 1s);
  CHECK(none.result == ProbeResult::Failure);
  CHECK(none.output.find("timeout") == 0);
}

TEST_CASE("http_get (lifecycle hooks): any answer is an answer; only no answer is an error") {
  LocalHttpServer server([](httplib::Server& s) {
    s.Get("/fail", [](const httplib::Request&, httplib::Response& r) {
      r.status = 500;
      r.set_content("oops", "text/plain");
    });
  });
  const HttpAnswer answered = http_get(target(server.port(), "/fail"), 1s);
  CHECK(answered.status == 500);
  CHECK(answered.body == "oops");
  CHECK(answered.error.empty());
  const HttpAnswer refused = http_get(target(closed_port(), "/"), 1s);
  CHECK(refused.status == 0);
  CHECK_FALSE(refused.error.empty());
}
