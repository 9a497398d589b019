// Accepts connections on listening sockets in a thread of its own and hands
// each to a handler. For CRI on the sockets systemd passes ("--listen fd://",
// which gRPC cannot bind itself), the handler gives the connection to the
// running server as a new channel, as if gRPC had accepted it
// (grpc::AddInsecureChannelFromFd; the channel then owns the fd). The
// metrics server answers its scrapes with one.
#pragma once

#include <grpcpp/server.h>

#include <atomic>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace shim {

class SocketAcceptor {
 public:
  // Starts accepting on `listening_fds` (not owned: they stay open, so that
  // the service manager's socket keeps queueing while the shim restarts);
  // `on_connection` owns each accepted (non-blocking) fd.
  SocketAcceptor(std::vector<int> listening_fds, std::function<void(int fd)> on_connection);
  // CRI: each connection becomes a channel of `server`.
  SocketAcceptor(grpc::Server& server, std::vector<int> listening_fds);
  ~SocketAcceptor();
  SocketAcceptor(const SocketAcceptor&) = delete;
  SocketAcceptor& operator=(const SocketAcceptor&) = delete;

  // No connection is accepted after this returns. Idempotent, and safe from
  // any thread.
  void stop();

  // Connections handed to the server so far.
  std::size_t accepted() const { return accepted_; }

 private:
  void run();
  void accept_from(int listening_fd);

  std::vector<int> listening_fds_;
  std::function<void(int fd)> on_connection_;
  int wake_fd_ = -1;  // an eventfd: written once by stop()
  std::atomic<bool> stopped_{false};
  std::atomic<std::size_t> accepted_{0};
  std::mutex join_mutex_;
  std::thread thread_;
};

}  // namespace shim
