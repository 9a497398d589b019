#include "shim/streaming/pod_port_forwarder.h"

#include <sys/socket.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <list>
#include <memory>
#include <mutex>
#include <thread>

#include <spdlog/spdlog.h>

#include "shim/streaming/netns_dial.h"

namespace shim::streaming {

namespace {

// Where connections of this session go: a network namespace, the host's
// network, or nowhere (then every connection reports `error`).
struct PodNetwork {
  UniqueFd netns;  // empty for a host-network pod
  std::string error;
};

PodNetwork find_pod_network(docker::Client& docker, const std::string& sandbox_id) {
  PodNetwork network;
  try {
    const auto sandbox =
        docker.inspect_container(sandbox_id, false, docker::CallOptions::with_timeout(std::chrono::seconds(60)));
    if (!sandbox.state.running)
      throw DialError("pod sandbox " + sandbox.id + " is not running (" + sandbox.state.status + ")");
    if (sandbox.host_config.network_mode == "host") return network;
    network.netns = open_network_namespace(sandbox.state.pid);
  } catch (const std::exception& e) {
    network.error = e.what();
  }
  return network;
}

// One forwarded connection between the client's streams and a socket.
class ForwardedConnection {
 public:
  ForwardedConnection(PortForwardConnection connection, std::string sandbox_id)
      : c_(std::move(connection)), sandbox_id_(std::move(sandbox_id)) {}

  void run(const PodNetwork& network) {
    try {
      if (!network.error.empty()) throw DialError(network.error);
      socket_ = dial_localhost(network.netns ? network.netns.get() : -1, c_.port);
      copy_both_ways();
    } catch (const std::exception& e) {
      fail(e.what());
    }
    c_.data_out->close();
    c_.error_out->close();
  }

 private:
  void copy_both_ways() {
    std::thread to_pod([this] { copy_client_to_pod(); });
    copy_pod_to_client();
    // The client's stream ends when the client closes it (kubectl does once
    // it read our end of stream) or when the session ends.
    to_pod.join();
    std::string late_error;
    {
      std::lock_guard lock(mutex_);
      late_error = error_;
    }
    if (!late_error.empty()) fail(late_error);
  }

  void copy_pod_to_client() {
    std::string buffer(64 * 1024, '\0');
    try {
      for (;;) {
        ssize_t n = ::recv(socket_.get(), buffer.data(), buffer.size(), 0);
        if (n > 0) {
          c_.data_out->write(std::string_view(buffer.data(), std::size_t(n)));
          continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && !client_gone_) {
          const std::string cause = std::string("reading from the pod failed: ") + std::strerror(errno);
          ::shutdown(socket_.get(), SHUT_RDWR);
          c_.data_out->close();
          fail(cause);
          return;
        }
        c_.data_out->close();  // the pod finished sending
        return;
      }
    } catch (const StreamClosed&) {
      client_gone_ = true;
      ::shutdown(socket_.get(), SHUT_RDWR);
    }
  }

  void copy_client_to_pod() {
    bool forward = true;
    try {
      while (auto data = c_.data_in->read()) {
        if (!forward) continue;  // the pod side broke; drain until the client closes
        if (!send_all(*data)) forward = false;
      }
      if (forward) ::shutdown(socket_.get(), SHUT_WR);
    } catch (const StreamClosed&) {
      client_gone_ = true;
      // Wakes the reader: nobody is left to receive what the pod sends.
      ::shutdown(socket_.get(), SHUT_RDWR);
    }
  }

  bool send_all(const std::string& data) {
    std::size_t sent = 0;
    while (sent < data.size()) {
      ssize_t n = ::send(socket_.get(), data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
      if (n >= 0) {
        sent += std::size_t(n);
        continue;
      }
      if (errno == EINTR) continue;
      std::lock_guard lock(mutex_);
      if (error_.empty()) error_ = std::string("writing to the pod failed: ") + std::strerror(errno);
      ::shutdown(socket_.get(), SHUT_RDWR);
      return false;
    }
    return true;
  }

  // Reports once per connection, on the connection's own thread.
  void fail(const std::string& cause) {
    if (reported_ || client_gone_) return;
    reported_ = true;
    const std::string message = "error forwarding port " + std::to_string(c_.port) + " to pod " + sandbox_id_ +
                                ", uid : " + cause;
    spdlog::info("port-forward: {}", message);
    try {
      c_.error_out->write(message);
    } catch (const StreamClosed&) {
    }
  }

  PortForwardConnection c_;
  std::string sandbox_id_;
  UniqueFd socket_;
  std::atomic<bool> client_gone_{false};
  bool reported_ = false;
  std::mutex mutex_;
  std::string error_;  // guarded by mutex_: the client -> pod side's failure
};

// The connections' threads; finished ones are joined as new ones come.
class ConnectionThreads {
 public:
  ~ConnectionThreads() { join_all(); }

  template <typename Function>
  void start(Function function) {
    reap();
    auto done = std::make_shared<std::atomic<bool>>(false);
    threads_.push_back({std::thread([function = std::move(function), done]() mutable {
                          function();
                          *done = true;
                        }),
                        done});
  }

  void join_all() {
    for (auto& t : threads_) t.thread.join();
    threads_.clear();
  }

 private:
  void reap() {
    for (auto it = threads_.begin(); it != threads_.end();) {
      if (*it->done) {
        it->thread.join();
        it = threads_.erase(it);
      } else {
        ++it;
      }
    }
  }

  struct Running {
    std::thread thread;
    std::shared_ptr<std::atomic<bool>> done;
  };
  std::list<Running> threads_;
};

}  // namespace

void serve_port_forward(docker::Client& docker, const PortForwardRequest& request, PortForwardSession& session) {
  const PodNetwork network = find_pod_network(docker, request.sandbox_id);
  if (!network.error.empty()) spdlog::warn("port-forward to pod {}: {}", request.sandbox_id, network.error);
  ConnectionThreads threads;
  try {
    while (auto connection = session.accept()) {
      if (!connection->data_in || !connection->data_out || !connection->error_out) {
        spdlog::warn("port-forward to pod {}: connection without its streams ignored", request.sandbox_id);
        continue;
      }
      auto forwarded = std::make_shared<ForwardedConnection>(std::move(*connection), request.sandbox_id);
      try {
        threads.start([forwarded, &network] { forwarded->run(network); });
      } catch (const std::system_error& e) {
        spdlog::error("port-forward to pod {}: no thread for a connection: {}", request.sandbox_id, e.what());
      }
    }
  } catch (const StreamClosed&) {
    // The session ended; the connections' streams end with it.
  } catch (const std::exception& e) {
    spdlog::warn("port-forward to pod {}: the session failed: {}", request.sandbox_id, e.what());
  }
  threads.join_all();
}

}  // namespace shim::streaming
