#include "shim/metrics/metrics_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <stdexcept>

#include <spdlog/spdlog.h>

#include "common/endpoint.h"
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

// A listening TCP socket on host:port (numeric host; port 0: a free one).
// SO_REUSEADDR only: a port in use is an error, never shared.
int listen_on(const common::Endpoint& endpoint, int* bound_port) {
  const std::string where = endpoint.host_port();
  sockaddr_storage storage{};
  socklen_t length = 0;
  const int port = std::stoi(endpoint.port);
  if (auto* v4 = reinterpret_cast<sockaddr_in*>(&storage); inet_pton(AF_INET, endpoint.host.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(static_cast<std::uint16_t>(port));
    length = sizeof *v4;
  } else if (auto* v6 = reinterpret_cast<sockaddr_in6*>(&storage);
             inet_pton(AF_INET6, endpoint.host.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(static_cast<std::uint16_t>(port));
    length = sizeof *v6;
  } else {
    throw std::runtime_error("metrics: \"" + endpoint.host + "\" is not a numeric IPv4 or IPv6 address");
  }
  const int fd = ::socket(storage.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::runtime_error(std::string("metrics: socket: ") + std::strerror(errno));
  const int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&storage), length) != 0 || ::listen(fd, 16) != 0) {
    const std::string why = std::strerror(errno);
    ::close(fd);
    throw std::runtime_error("metrics: cannot bind " + where + " (" + why + ")");
  }
  sockaddr_storage bound{};
  socklen_t bound_length = sizeof bound;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &bound_length);
  *bound_port = ntohs(bound.ss_family == AF_INET ? reinterpret_cast<sockaddr_in*>(&bound)->sin_port
                                                 : reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port);
  return fd;
}

}  // namespace

void check_metrics_address(const std::string& address) { parse_address(address); }

struct MetricsServer::Impl {
  std::function<std::string()> render;
  int listen_fd = -1;
  int port = 0;
  std::unique_ptr<SocketAcceptor> acceptor;

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
  impl_->listen_fd = listen_on(endpoint, &impl_->port);
  impl_->acceptor = std::make_unique<SocketAcceptor>(std::vector<int>{impl_->listen_fd},
                                                     [impl = impl_.get()](int fd) { impl->answer(fd); });
  spdlog::info("metrics: listening on {}:{}", endpoint.host, impl_->port);
}

MetricsServer::~MetricsServer() {
  impl_->acceptor.reset();  // no connection is being answered after this
  ::close(impl_->listen_fd);
}

int MetricsServer::port() const { return impl_->port; }

}  // namespace shim
