// Serves CRI on listening sockets that gRPC did not bind itself: the ones
// systemd passes for "--listen fd://". A thread accepts each connection and
// hands it to the running server as a new channel, as if gRPC had accepted
// it (grpc::AddInsecureChannelFromFd; the channel then owns the fd).
#pragma once

#include <grpcpp/server.h>

#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

namespace shim {

class SocketAcceptor {
 public:
  // Starts accepting on `listening_fds` (not owned: they stay open, so that
  // the service manager's socket keeps queueing while the shim restarts).
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

  grpc::Server& server_;
  std::vector<int> listening_fds_;
  int wake_fd_ = -1;  // an eventfd: written once by stop()
  std::atomic<bool> stopped_{false};
  std::atomic<std::size_t> accepted_{0};
  std::mutex join_mutex_;
  std::thread thread_;
};

}  // namespace shim
