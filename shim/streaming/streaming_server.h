// The streaming server: the HTTP side of CRI's Exec, Attach and
// PortForward. Those calls store their request here and hand the client a
// one-time URL (token_cache.h); the client opens it with an upgrade to
// SPDY/3.1 or WebSocket, and the request then runs over the negotiated
// protocol (spdy/, websocket/) behind the byte streams of byte_streams.h
// (exec_attach_runner.h, pod_port_forwarder.h).
//
// URLs: http://<address>:<port>/{exec,attach,portforward}/<token>, as
// kubelet's streaming server lays them out; absolute, so a client needs no
// base URL. The address is 127.0.0.1 unless configured: the URLs carry no
// credentials but their token, so they are not offered to the network
// unless asked for. An unspecified address (0.0.0.0, ::) listens
// everywhere and names the loopback address in URLs.
//
// Protocol negotiation, as kubelet does it:
//   - "Upgrade: websocket": Sec-WebSocket-Protocol, the client's first
//     supported choice (websocket/protocols.h);
//   - "Upgrade: SPDY/3.1": X-Stream-Protocol-Version, the client's first
//     supported choice among v4/v3/v2/channel.k8s.io (exec, attach) or
//     portforward.k8s.io; none supported: 403 with
//     X-Accepted-Stream-Protocol-Versions;
//   - no upgrade: 400.
// An unknown, used or expired token, or a path of another kind than the
// token's: 404, and nothing runs.
//
// Threads: one accepting thread, and a thread per connection for the
// session's life (at most max_pending_requests of them still reading
// their request) (plus what the session and runner start). The destructor
// stops accepting, shuts every live connection's socket down so its
// session ends, and waits for the connection threads (a few seconds at
// most; one still blocked on Docker after that is left to finish alone).
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "docker-client/client.h"
#include "shim/streaming/stream_request.h"
#include "shim/streaming/token_cache.h"

namespace shim::streaming {

struct StreamingServerOptions {
  std::string address = "127.0.0.1";  // numeric IPv4 or IPv6
  std::uint16_t port = 0;             // 0: a free port
  // How long a client has to send its request, and to open the streams
  // the request needs (kubelet's StreamCreationTimeout).
  std::chrono::milliseconds request_timeout{30000};
  std::chrono::milliseconds token_ttl{60000};
  // Connections still sending their request (no token shown yet) at once;
  // beyond it a new one gets 503 at once. Clients that open connections
  // and send nothing, or a byte at a time (slow-loris), then hold at most
  // this many threads, each for request_timeout at most.
  std::size_t max_pending_requests = 64;
};

class StreamingServer {
 public:
  // Binds and starts accepting. Throws std::system_error (address in use,
  // not an address of this host) or std::invalid_argument (not numeric).
  StreamingServer(docker::Client& docker, StreamingServerOptions options);
  ~StreamingServer();
  StreamingServer(const StreamingServer&) = delete;
  StreamingServer& operator=(const StreamingServer&) = delete;

  // Stores `request` under a new token; returns its absolute URL. Throws
  // TooManyPendingStreams.
  std::string url_for(StreamRequest request);

  // What it serves now and has served (metrics).
  struct Load {
    std::size_t connections = 0;       // open, whatever their state
    std::size_t sessions = 0;          // running an exec, attach or port-forward
    std::uint64_t exec_started = 0, attach_started = 0, port_forward_started = 0;
  };
  Load load() const;

  // "http://127.0.0.1:40123"
  const std::string& base_url() const { return base_url_; }
  std::uint16_t port() const { return port_; }

 private:
  struct Shared;  // what connection threads share with the server
  void accept_loop();

  std::shared_ptr<Shared> shared_;
  int listen_fd_ = -1;
  int stop_fd_ = -1;  // eventfd that wakes the accepting thread
  std::uint16_t port_ = 0;
  std::string base_url_;
  std::thread acceptor_;
};

}  // namespace shim::streaming
