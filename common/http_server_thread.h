// An httplib::Server (cpp-httplib: plain TCP HTTP) served on its own thread,
// as node-agent's API and cri-shim's metrics are: start() binds host:port
// (port 0: a free one; a port in use is an error, never silently shared,
// since SO_REUSEPORT is not set) and returns once the server accepts;
// stop() ends it. The routes are the caller's, set before start().
#pragma once

#include <atomic>
#include <string>
#include <thread>

namespace httplib {
class Server;
}

namespace common {

class HttpServerThread {
 public:
  // `what` names the server in errors and logs ("http api", "metrics").
  HttpServerThread(httplib::Server& server, std::string host, int port, std::string what);
  ~HttpServerThread();  // stop()
  HttpServerThread(const HttpServerThread&) = delete;
  HttpServerThread& operator=(const HttpServerThread&) = delete;

  // Throws std::runtime_error when it cannot bind. No-op when serving.
  void start();
  void stop();
  int port() const { return port_; }  // the bound one, after start()

 private:
  httplib::Server& server_;
  std::string host_;
  int port_;
  std::string what_;
  bool running_ = false;
  std::atomic<bool> loop_exited_{false};
  std::thread thread_;
};

// SO_REUSEADDR only (a quick restart past TIME_WAIT), instead of httplib's
// default SO_REUSEPORT, with which a second server would bind the same port
// silently and take half its requests.
void use_exclusive_port(httplib::Server& server);

}  // namespace common
