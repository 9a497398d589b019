#include "shim/metrics/metrics_server.h"

#include <httplib.h>

#include "common/endpoint.h"
#include "common/http_server_thread.h"

namespace shim {
namespace {

constexpr common::EndpointForms kMetricsForms{
    .what = "metrics address", .unix_socket = false, .bare_host_port = true, .any_host = true};

common::Endpoint parse_address(const std::string& address) {
  auto endpoint = common::Endpoint::parse(address, kMetricsForms);
  if (endpoint.host.empty()) endpoint.host = "0.0.0.0";
  return endpoint;
}

}  // namespace

void check_metrics_address(const std::string& address) { parse_address(address); }

struct MetricsServer::Impl {
  httplib::Server server;
  common::HttpServerThread runner;

  Impl(const common::Endpoint& endpoint, std::function<std::string()> render)
      : runner(server, endpoint.host, std::stoi(endpoint.port), "metrics") {
    server.new_task_queue = [] { return new httplib::ThreadPool(1); };
    server.set_keep_alive_timeout(2);
    common::use_exclusive_port(server);
    server.Get("/metrics", [render = std::move(render)](const httplib::Request&, httplib::Response& res) {
      res.set_content(render(), "text/plain; version=0.0.4; charset=utf-8");
    });
  }
};

MetricsServer::MetricsServer(const std::string& address, std::function<std::string()> render)
    : impl_(std::make_unique<Impl>(parse_address(address), std::move(render))) {
  impl_->runner.start();
}

MetricsServer::~MetricsServer() = default;

int MetricsServer::port() const { return impl_->runner.port(); }

}  // namespace shim
