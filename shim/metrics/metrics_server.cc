#include "shim/metrics/metrics_server.h"

#include <unistd.h>

#include <chrono>

#include <spdlog/spdlog.h>

#include "common/endpoint.h"
#include "common/tcp_listen.h"
#include "shim/server/socket_acceptor.h"
#include "shim/streaming/http_exchange.h"

// Plain HTTP on a raw socket with the streaming server's request reader and
// the CRI socket's acceptor, rather than one more library in cri-shim for a
// single GET.
namespace shim {
namespace {

constexpr common::EndpointForms kMetricsForms{
    .what = "metrics address", .unix_socket = false, .bare_host_port = true, .any_host = true};
constexpr auto kRequestTimeout = std::chrono::seconds(5);

common::Endpoint parse_address(const std::string& address) {
  auto endpoint = common::Endpoint::parse(address, kMetricsForms);
  if (endpoint.host.empty()) endpoint.host = "0.0.0.0";
  return endpoint;
}

}  // namespace

void check_metrics_address(const std::string& address) { parse_address(address); }

struct MetricsServer::Impl {
  std::function<std::string()> render;
  int listen_fd = -1;
  int port = 0;
  std::unique_ptr<SocketAcceptor> acceptor;

  ~Impl() {
    acceptor.reset();  // no connection is being answered after this
    if (listen_fd >= 0) ::close(listen_fd);
  }

  // One scrape per connection, answered on the accepting thread: a scraper
  // or two is all this serves, and a slow one holds it 5 s at most.
  void answer(int fd) {
    try {
      const auto incoming = streaming::read_http_request(fd, kRequestTimeout);
      const auto& request = incoming.request;
      if (request.method() != boost::beast::http::verb::get) {
        streaming::write_http_response(fd, 405, "only GET\n");
      } else if (request.target() != "/metrics") {
        streaming::write_http_response(fd, 404, "metrics are at /metrics\n");
      } else {
        streaming::write_http_response(fd, 200, render(), {}, "text/plain; version=0.0.4; charset=utf-8");
      }
    } catch (const std::exception& e) {
      spdlog::debug("metrics: {}", e.what());
      streaming::write_http_response(fd, 400, "bad request\n");
    }
    ::close(fd);
  }
};

MetricsServer::MetricsServer(const std::string& address, std::function<std::string()> render)
    : impl_(std::make_unique<Impl>()) {
  const auto endpoint = parse_address(address);
  impl_->render = std::move(render);
  const auto listening = common::listen_tcp("metrics", endpoint.host, static_cast<std::uint16_t>(std::stoi(endpoint.port)), 16);
  impl_->listen_fd = listening.fd;
  impl_->port = listening.port;
  impl_->acceptor = std::make_unique<SocketAcceptor>(std::vector<int>{impl_->listen_fd},
                                                     [impl = impl_.get()](int fd) { impl->answer(fd); });
  spdlog::info("metrics: listening on {}:{}", endpoint.host, impl_->port);
}

MetricsServer::~MetricsServer() = default;

int MetricsServer::port() const { return impl_->port; }

}  // namespace shim
