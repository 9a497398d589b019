// The streaming server's request reader: the bytes a client sends on a new
// connection, read by read_http_request from a socket (Beast's parser with
// the server's 16 KiB head and 64 KiB body limits; BadHttpRequest is its
// documented failure), then what the server and the WebSocket handshake
// take from the request: the upgrade decision, the offered protocols and
// the one chosen (protocols.h), and the query (query.h).
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <string>

#include <boost/beast/websocket/rfc6455.hpp>

#include "shim/streaming/http_exchange.h"
#include "shim/streaming/websocket/protocols.h"
#include "shim/streaming/websocket/query.h"

namespace ws = shim::streaming::websocket;

namespace {

// Puts `bytes` in a socket whose other end is then shut for writing, as a
// client that sent them and stopped. Bytes beyond the socket's buffer are
// dropped (the fuzzer's -max_len keeps inputs far below it).
int socket_with(std::string_view bytes) {
  int fds[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) std::abort();
  while (!bytes.empty()) {
    const ssize_t n = ::send(fds[1], bytes.data(), bytes.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n <= 0) break;
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  ::shutdown(fds[1], SHUT_WR);
  ::close(fds[1]);
  return fds[0];
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const int fd = socket_with(bytes);
  shim::streaming::IncomingRequest incoming;
  try {
    incoming = shim::streaming::read_http_request(fd, std::chrono::milliseconds(2000));
  } catch (const shim::streaming::BadHttpRequest&) {
    ::close(fd);
    return 0;
  }
  ::close(fd);
  const auto& request = incoming.request;
  if (incoming.already_read.size() > size) std::abort();

  (void)boost::beast::websocket::is_upgrade(request);
  for (const char* name : {"Upgrade", "Connection", "X-Stream-Protocol-Version", "Sec-WebSocket-Protocol"})
    (void)shim::streaming::header_values(request, name);
  const auto offered = ws::offered_protocols(request);
  for (const auto supported : {ws::remote_command_protocols(), ws::port_forward_protocols()}) {
    if (const auto chosen = ws::choose_protocol(offered, supported)) {
      (void)ws::is_base64_protocol(*chosen);
      (void)ws::has_close_signal(*chosen);
      (void)ws::remote_command_version(*chosen);
    }
  }
  const std::string_view target(request.target().data(), request.target().size());
  for (const char* key : {"command", "container", "stdin", "stdout", "stderr", "tty", "port"})
    (void)ws::query_values(target, key);
  return 0;
}
