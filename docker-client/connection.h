// One socket to dockerd, and the pool of idle keep-alive connections.
//
// A Connection owns its fd, the PollingStream Beast reads/writes through and
// the read buffer (bytes received past the reply Beast parsed so far). The
// pool hands out idle connections last-in-first-out (the warmest) and takes
// one back only when its reply was read whole and dockerd allows keep-alive.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include <boost/beast/core/flat_buffer.hpp>

#include "docker-client/call_options.h"
#include "docker-client/client.h"
#include "docker-client/polling_stream.h"

namespace docker::detail {

class Connection {
 public:
  explicit Connection(int fd) : fd_(fd), stream_(fd) {
    // Beast reads at most the buffer's free capacity (512 bytes for a fresh
    // flat_buffer): without this a 4 KiB inspect reply takes 8 poll+readv rounds.
    buffer_.reserve(kReadBufferSize);
  }
  static constexpr std::size_t kReadBufferSize = 64 * 1024;
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  PollingStream& stream() { return stream_; }
  const PollingStream& stream() const { return stream_; }
  boost::beast::flat_buffer& buffer() { return buffer_; }
  int fd() const { return fd_; }

  // False when dockerd closed the idle connection (EOF or error pending) or
  // sent bytes nobody asked for: it must not carry another request.
  bool idle_and_alive() const;

  // Gives up ownership of the fd (hijack): the destructor will not close it.
  int release();

 private:
  int fd_;
  PollingStream stream_;
  boost::beast::flat_buffer buffer_;
};

// Opens a new connection; throws DockerError Unavailable naming the endpoint
// ("cannot connect to dockerd at unix:///var/run/docker.sock: No such file or
// directory"), or DeadlineExceeded/Cancelled while a tcp connect is pending.
std::unique_ptr<Connection> connect_to(const Endpoint& endpoint, const CallOptions& options);

class ConnectionPool {
 public:
  ConnectionPool(Endpoint endpoint, std::size_t max_idle)
      : endpoint_(std::move(endpoint)), max_idle_(max_idle) {}

  const Endpoint& endpoint() const { return endpoint_; }

  // The most recently returned idle connection that still looks alive, or null.
  std::unique_ptr<Connection> take_idle();
  std::unique_ptr<Connection> open(const CallOptions& options);
  // Keeps `c` for reuse (or closes it when the pool is full).
  void give_back(std::unique_ptr<Connection> c);

  std::uint64_t opened() const;

 private:
  Endpoint endpoint_;
  std::size_t max_idle_;
  mutable std::mutex mu_;
  std::vector<std::unique_ptr<Connection>> idle_;
  std::uint64_t opened_ = 0;
};

}  // namespace docker::detail
