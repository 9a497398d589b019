// A proxy a test puts between a client and a server it shares with others,
// to fail the server for this test only: cut every open connection (a
// restart), refuse new ones (the server is down), hold back every reply
// (a slow server) or trickle replies out at a byte rate (a slow link).
// On a unix socket (dockerd: point a docker client or the shim's
// --docker-endpoint at path()) or on a loopback TCP port (a registry:
// pull 127.0.0.1:port()/<repository>).
#pragma once

#include <sys/socket.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace itest {

class FaultProxy {
 public:
  // Listens on the unix socket `path`, forwarding each connection to the
  // unix socket `upstream`.
  FaultProxy(std::string path, std::string upstream);
  // Listens on a free port of 127.0.0.1, forwarding to `upstream`
  // ("127.0.0.1:5000": IPv4 address and port).
  static std::unique_ptr<FaultProxy> loopback_tcp(const std::string& upstream);
  ~FaultProxy();
  FaultProxy(const FaultProxy&) = delete;
  FaultProxy& operator=(const FaultProxy&) = delete;

  const std::string& path() const { return path_; }  // unix only
  int port() const { return port_; }                  // TCP only

  // Breaks every open connection.
  void cut();
  // While down, new connections are closed at once (the server is gone);
  // set_down(true) also cuts the open ones.
  void set_down(bool down);
  // Each piece of a reply (what one read from the server returns) is held
  // back this long before it is passed on; zero (the default) passes at once.
  void set_reply_delay(std::chrono::milliseconds delay) { reply_delay_ms_ = delay.count(); }
  // Replies flow at about this many bytes a second; zero (the default) is
  // unlimited.
  void set_reply_rate(std::size_t bytes_per_second) { reply_rate_ = bytes_per_second; }
  // Connections accepted and forwarded so far.
  int connections() const { return connections_.load(); }
  // Reply bytes passed on to clients so far.
  std::size_t reply_bytes() const { return reply_bytes_.load(); }

 private:
  struct Address {
    sockaddr_storage storage{};
    socklen_t length = 0;
  };
  FaultProxy(Address listen_on, Address upstream);
  void listen_on(const Address& address);
  void accept_loop();
  void pump(int client, int server);

  std::string path_;
  int port_ = 0;
  Address upstream_;
  int listen_fd_ = -1;
  std::atomic<bool> down_{false};
  std::atomic<int> connections_{0};
  std::atomic<long> reply_delay_ms_{0};
  std::atomic<std::size_t> reply_rate_{0};
  std::atomic<std::size_t> reply_bytes_{0};
  std::thread acceptor_;
  std::mutex mutex_;
  std::vector<int> fds_;  // every forwarded connection's two ends; closed by the destructor
  std::vector<std::thread> pumps_;
};

}  // namespace itest
