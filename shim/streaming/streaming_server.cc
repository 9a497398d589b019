#include "shim/streaming/streaming_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <system_error>

#include <boost/algorithm/string/predicate.hpp>
#include <spdlog/spdlog.h>

#include "common/string_helpers.h"
#include "common/tcp_listen.h"
#include "shim/streaming/http_exchange.h"
#include "shim/streaming/spdy/port_forward_streams.h"
#include "shim/streaming/spdy/remote_command_streams.h"
#include "shim/streaming/spdy/session.h"
#include "shim/streaming/websocket/port_forward_channels.h"
#include "shim/streaming/websocket/remote_command_channels.h"

namespace shim::streaming {
namespace {

constexpr auto kShutdownWait = std::chrono::seconds(5);
constexpr std::string_view kProtocolHeader = "X-Stream-Protocol-Version";
constexpr std::string_view kAcceptedProtocolsHeader = "X-Accepted-Stream-Protocol-Versions";

// kubelet's SPDY sub-protocols (remotecommand.SupportedStreamingProtocols
// and portforward's), newest first.
const std::vector<std::string> kSpdyRemoteCommandProtocols = {
    "v4.channel.k8s.io", "v3.channel.k8s.io", "v2.channel.k8s.io", "channel.k8s.io"};
const std::vector<std::string> kSpdyPortForwardProtocols = {"portforward.k8s.io"};

[[noreturn]] void fail(const std::string& what) {
  throw std::system_error(errno, std::generic_category(), what);
}

bool is_unspecified(const std::string& address) {
  return address == "0.0.0.0" || address == "::";
}

std::string url_host(const std::string& address) {
  std::string host = address;
  if (address == "0.0.0.0") host = "127.0.0.1";
  if (address == "::") host = "::1";
  return host.find(':') != std::string::npos ? "[" + host + "]" : host;
}

// The path's token for `kind`: "/exec/<token>" → "<token>"; "" otherwise.
std::string token_in(std::string_view target, std::string_view kind) {
  if (const auto query = target.find('?'); query != std::string_view::npos)
    target = target.substr(0, query);
  const std::string prefix = "/" + std::string(kind) + "/";
  if (target.substr(0, prefix.size()) != prefix) return {};
  const auto token = target.substr(prefix.size());
  if (token.empty() || token.find('/') != std::string_view::npos) return {};
  return std::string(token);
}

// The client's first offered protocol that `supported` has; "" if none.
std::string negotiate(const std::vector<std::string>& offered,
                      const std::vector<std::string>& supported) {
  for (const auto& protocol : offered)
    if (std::find(supported.begin(), supported.end(), protocol) != supported.end())
      return protocol;
  return {};
}

}  // namespace

struct StreamingServer::Shared {
  Shared(docker::Client& docker, StreamingServerOptions options)
      : docker(docker), options(std::move(options)), tokens(this->options.token_ttl) {}

  docker::Client& docker;
  const StreamingServerOptions options;
  TokenCache tokens;

  std::mutex mutex;  // live, stopping
  std::condition_variable idle;
  std::set<int> live;  // a dup() of each live connection's socket, to shut it down
  bool stopping = false;
  std::atomic<std::size_t> pending_requests{0};  // connections still reading their request
  std::atomic<std::size_t> sessions{0};          // with a valid token, not yet ended
  std::array<std::atomic<std::uint64_t>, 3> started{};  // by StreamRequest alternative

  void serve(int fd);
  void serve_spdy(int fd, IncomingRequest incoming, StreamRequest request);
  void serve_websocket(int fd, IncomingRequest incoming, StreamRequest request);
  void run(StreamRequest& request, RemoteCommandStreams& streams);
};

StreamingServer::StreamingServer(docker::Client& docker, StreamingServerOptions options)
    : shared_(std::make_shared<Shared>(docker, std::move(options))) {
  const auto& address = shared_->options.address;
  const auto listening = common::listen_tcp("streaming server", address, shared_->options.port, 128, SOCK_NONBLOCK);
  listen_fd_ = listening.fd;
  port_ = listening.port;
  base_url_ = "http://" + url_host(address) + ":" + std::to_string(port_);
  stop_fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (stop_fd_ < 0) {
    ::close(listen_fd_);
    fail("eventfd");
  }
  if (is_unspecified(address))
    spdlog::warn("streaming server listens on every address ({}); its URLs name {}", address,
                 base_url_);
  acceptor_ = std::thread([this] { accept_loop(); });
}

StreamingServer::~StreamingServer() {
  const std::uint64_t one = 1;
  [[maybe_unused]] const auto written = ::write(stop_fd_, &one, sizeof one);
  acceptor_.join();
  ::close(listen_fd_);
  ::close(stop_fd_);
  std::unique_lock lock(shared_->mutex);
  shared_->stopping = true;
  for (const int fd : shared_->live) ::shutdown(fd, SHUT_RDWR);
  if (!shared_->idle.wait_for(lock, kShutdownWait, [this] { return shared_->live.empty(); }))
    spdlog::warn("streaming server: {} session(s) still ending after {} s; leaving them",
                 shared_->live.size(), kShutdownWait.count());
}

std::string StreamingServer::url_for(StreamRequest request) {
  const char* kind = path_segment(request);
  return base_url_ + "/" + kind + "/" + shared_->tokens.insert(std::move(request));
}

void StreamingServer::accept_loop() {
  for (;;) {
    pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {stop_fd_, POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      spdlog::error("streaming server: poll: {}", std::strerror(errno));
      return;
    }
    if (fds[1].revents != 0) return;
    const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == EAGAIN || errno == ECONNABORTED) continue;
      spdlog::warn("streaming server: accept: {}", std::strerror(errno));
      // Out of descriptors: give the connections a moment to end.
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      continue;
    }
    if (shared_->pending_requests.load() >= shared_->options.max_pending_requests) {
      spdlog::warn("streaming server: {} connections are still sending their request; refusing another",
                   shared_->options.max_pending_requests);
      write_http_response(fd, 503, "too many connections still sending their request\n");
      ::close(fd);
      continue;
    }
    ++shared_->pending_requests;
    const int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    const int handle = ::dup(fd);  // survives the session closing fd
    {
      std::lock_guard lock(shared_->mutex);
      shared_->live.insert(handle);
    }
    try {
      std::thread([shared = shared_, fd, handle] {
        shared->serve(fd);
        std::lock_guard lock(shared->mutex);
        shared->live.erase(handle);
        ::close(handle);
        shared->idle.notify_all();
      }).detach();
    } catch (const std::system_error& e) {
      spdlog::warn("streaming server: no thread for a connection: {}", e.what());
      --shared_->pending_requests;
      ::close(fd);
      std::lock_guard lock(shared_->mutex);
      shared_->live.erase(handle);
      ::close(handle);
    }
  }
}

StreamingServer::Load StreamingServer::load() const {
  Load load;
  {
    std::lock_guard lock(shared_->mutex);
    load.connections = shared_->live.size();
  }
  load.sessions = shared_->sessions;
  load.exec_started = shared_->started[0];
  load.attach_started = shared_->started[1];
  load.port_forward_started = shared_->started[2];
  return load;
}

void StreamingServer::Shared::serve(int fd) {
  // Until a protocol layer owns the socket, it is ours to close.
  struct Owned {
    int fd;
    ~Owned() {
      if (fd >= 0) ::close(fd);
    }
    int release() { return std::exchange(fd, -1); }
  } owned{fd};
  IncomingRequest incoming;
  try {
    struct Read {  // the request is in (or failed): no longer pending
      std::atomic<std::size_t>& pending;
      ~Read() { --pending; }
    } read{pending_requests};
    incoming = read_http_request(fd, options.request_timeout);
  } catch (const BadHttpRequest& e) {
    spdlog::debug("streaming: {}", e.what());
    write_http_response(fd, 400, std::string(e.what()) + "\n");
    return;
  }
  const std::string target(incoming.request.target());
  std::optional<StreamRequest> request;
  for (const char* kind : {"exec", "attach", "portforward"}) {
    if (const auto token = token_in(target, kind); !token.empty()) {
      request = tokens.consume(token);
      if (request && std::string_view(path_segment(*request)) != kind) request.reset();
      break;
    }
  }
  if (!request) {
    spdlog::debug("streaming: {} {}: no such stream (unknown, used or expired token)",
                  std::string(incoming.request.method_string()), target);
    write_http_response(fd, 404, "no such stream: the URL is unknown, used or expired\n");
    return;
  }
  ++started.at(request->index());
  ++sessions;
  struct Ended {
    std::atomic<std::size_t>& sessions;
    ~Ended() { --sessions; }
  } ended{sessions};
  const auto upgrade = incoming.request[boost::beast::http::field::upgrade];
  if (boost::iequals(upgrade, "websocket")) {
    serve_websocket(owned.release(), std::move(incoming), std::move(*request));
  } else if (boost::iequals(upgrade, "SPDY/3.1")) {
    serve_spdy(owned.release(), std::move(incoming), std::move(*request));
  } else {
    write_http_response(fd, 400,
                        "this URL needs an upgrade to SPDY/3.1 or websocket (Upgrade header)\n");
  }
}

void StreamingServer::Shared::run(StreamRequest& request, RemoteCommandStreams& streams) {
  if (auto* exec = std::get_if<ExecRequest>(&request)) run_exec(docker, *exec, streams);
  else run_attach(docker, std::get<AttachRequest>(request), streams);
}

void StreamingServer::Shared::serve_spdy(int fd, IncomingRequest incoming, StreamRequest request) {
  const bool forwarding = std::holds_alternative<PortForwardRequest>(request);
  const auto& supported = forwarding ? kSpdyPortForwardProtocols : kSpdyRemoteCommandProtocols;
  const auto offered = header_values(incoming.request, kProtocolHeader);
  const std::string protocol = negotiate(offered, supported);
  if (protocol.empty()) {
    std::vector<std::pair<std::string, std::string>> headers;
    for (const auto& accepted : supported)
      headers.emplace_back(std::string(kAcceptedProtocolsHeader), accepted);
    write_http_response(fd, offered.empty() ? 400 : 403,
                        offered.empty() ? "unable to upgrade: " + std::string(kProtocolHeader) +
                                              " is required\n"
                                        : "unable to upgrade: unable to negotiate protocol: client "
                                          "supports [" + common::join(offered, ", ") + "], server accepts [" +
                                              common::join(supported, ", ") + "]\n",
                        headers);
    ::close(fd);
    return;
  }
  if (!write_switching_protocols(fd, "SPDY/3.1", {{std::string(kProtocolHeader), protocol}})) {
    ::close(fd);
    return;
  }
  spdy::Session session(fd, incoming.already_read);
  try {
    if (auto* forward = std::get_if<PortForwardRequest>(&request)) {
      spdy::SpdyPortForwardSession connections(session, options.request_timeout);
      serve_port_forward(docker, *forward, connections);
      return;
    }
    const auto flags = stream_flags(request);
    const spdy::RemoteCommandRequest wanted{flags.stdin_, flags.stdout_, flags.stderr_, flags.tty};
    auto streams = spdy::accept_remote_command(session, protocol, wanted, options.request_timeout);
    run(request, streams);
  } catch (const std::exception& e) {
    spdlog::info("streaming: SPDY session for {}: {}", path_segment(request), e.what());
  }
}

void StreamingServer::Shared::serve_websocket(int fd, IncomingRequest incoming,
                                              StreamRequest request) {
  std::vector<std::uint16_t> ports;
  if (auto* forward = std::get_if<PortForwardRequest>(&request)) {
    // The CRI request names the ports; a client may name them in the URL.
    ports = forward->ports;
    try {
      if (ports.empty())
        ports = websocket::port_forward_ports_from_query(
            std::string(incoming.request.target()));
    } catch (const std::invalid_argument& e) {
      write_http_response(fd, 400, std::string(e.what()) + "\n");
      ::close(fd);
      return;
    }
  }
  try {
    if (auto* forward = std::get_if<PortForwardRequest>(&request)) {
      auto connections =
          websocket::accept_port_forward(fd, incoming.request, incoming.already_read, ports);
      serve_port_forward(docker, *forward, *connections);
      return;
    }
    const auto flags = stream_flags(request);
    const websocket::RemoteCommandOptions wanted{flags.stdin_, flags.stdout_, flags.stderr_,
                                                 flags.tty};
    auto streams =
        websocket::accept_remote_command(fd, incoming.request, incoming.already_read, wanted);
    run(request, streams);
  } catch (const std::exception& e) {  // the fd is the session's (closed) by now
    spdlog::info("streaming: WebSocket session for {}: {}", path_segment(request), e.what());
  }
}

}  // namespace shim::streaming
