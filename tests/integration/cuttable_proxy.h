// A unix-socket proxy to dockerd whose connections a test can cut, as a
// dockerd restart would, without touching the dockerd others share. Point
// a docker client or the shim (--docker-endpoint) at path().
#pragma once

#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace itest {

class CuttableProxy {
 public:
  // Listens on `path`, forwarding each connection to the unix socket `upstream`.
  CuttableProxy(std::string path, std::string upstream);
  ~CuttableProxy();
  CuttableProxy(const CuttableProxy&) = delete;
  CuttableProxy& operator=(const CuttableProxy&) = delete;

  const std::string& path() const { return path_; }
  // Breaks every open connection.
  void cut();
  // While down, new connections are closed at once (dockerd unreachable);
  // set_down(true) also cuts the open ones.
  void set_down(bool down);
  // Connections accepted and forwarded so far.
  int connections() const { return connections_.load(); }

 private:
  void accept_loop();
  static void pump(int a, int b);

  std::string path_, upstream_;
  int listen_fd_ = -1;
  std::atomic<bool> down_{false};
  std::atomic<int> connections_{0};
  std::thread acceptor_;
  std::mutex mutex_;
  std::vector<int> fds_;  // closed when the test process ends; a test is short
  std::vector<std::thread> pumps_;
};

}  // namespace itest
