// A dockerd of the test's own, beside the one the suite shares: its own
// socket, data and exec roots (and so its own containerd), its own network
// namespace (no bridge, no iptables rules), so it touches nothing of the
// shared dockerd's. A test may restart it, which the shared one must never
// be. Pods on it need host networking (its namespace's, not the host's).
#pragma once

#include <memory>
#include <string>

#include "docker-client/client.h"
#include "tests/support/child_process.h"

namespace itest {

class PrivateDockerd {
 public:
  // Starts it under `dir` (made if needed) and waits until it answers.
  // Throws std::runtime_error with its log's tail when it does not.
  explicit PrivateDockerd(std::string dir);
  ~PrivateDockerd();  // stops it (its containers stop with it) and removes `dir`
  PrivateDockerd(const PrivateDockerd&) = delete;
  PrivateDockerd& operator=(const PrivateDockerd&) = delete;

  std::string socket_path() const { return dir_ + "/docker.sock"; }
  std::string endpoint() const { return "unix://" + socket_path(); }
  docker::Client& client() { return *client_; }

  // SIGTERM (dockerd stops its containers, as on a host's restart), then
  // started again on the same roots; returns once it answers.
  void restart();
  // Copies `image` from the shared dockerd (`shared_endpoint`) into this one.
  void load_image(const std::string& shared_endpoint, const std::string& image);

 private:
  void start();
  void stop();
  void unmount_leftovers();

  std::string dir_;
  support::ChildProcess process_;
  std::unique_ptr<docker::Client> client_;
};

}  // namespace itest
