#include "common/http_server_thread.h"

#include <httplib.h>
#include <sys/socket.h>

#include <chrono>
#include <stdexcept>

#include <spdlog/spdlog.h>

namespace common {

HttpServerThread::HttpServerThread(httplib::Server& server, std::string host, int port, std::string what)
    : server_(server), host_(std::move(host)), port_(port), what_(std::move(what)) {}

HttpServerThread::~HttpServerThread() { stop(); }

void HttpServerThread::start() {
  if (running_) return;
  if (port_ == 0) {
    const int port = server_.bind_to_any_port(host_);
    if (port < 0) throw std::runtime_error(what_ + ": cannot bind " + host_ + ":0");
    port_ = port;
  } else if (!server_.bind_to_port(host_, port_)) {
    throw std::runtime_error(what_ + ": cannot bind " + host_ + ":" + std::to_string(port_) +
                             " (in use, or not an address of this host)");
  }
  running_ = true;
  loop_exited_ = false;
  thread_ = std::thread([this] {
    server_.listen_after_bind();
    loop_exited_ = true;
  });
  // httplib's stop() does nothing until the accept loop has marked itself
  // running; wait for that, so that a stop() right after start() cannot be
  // lost (and the join in stop() hang).
  while (!server_.is_running() && !loop_exited_) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  spdlog::info("{}: listening on {}:{}", what_, host_, port_);
}

void HttpServerThread::stop() {
  if (!running_) return;
  server_.stop();
  if (thread_.joinable()) thread_.join();
  running_ = false;
}

void use_exclusive_port(httplib::Server& server) {
  server.set_socket_options([](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
}

}  // namespace common
