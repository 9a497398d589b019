// GET /metrics on --metrics-address (host:port; ":port" = all addresses):
// cri-shim's Prometheus text, rendered at each scrape. Plain TCP HTTP on its
// own thread (shim/server/socket_acceptor.h), one scrape at a time.
#pragma once

#include <functional>
#include <memory>
#include <string>

namespace shim {

// What --metrics-address takes; throws std::invalid_argument naming it.
void check_metrics_address(const std::string& address);

class MetricsServer {
 public:
  // Binds and serves; throws std::runtime_error when it cannot bind.
  MetricsServer(const std::string& address, std::function<std::string()> render);
  ~MetricsServer();
  MetricsServer(const MetricsServer&) = delete;
  MetricsServer& operator=(const MetricsServer&) = delete;

  int port() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace shim
