// A listening TCP socket on a numeric IPv4 or IPv6 address, as cri-shim's
// streaming and metrics servers open theirs: port 0 takes a free one, and
// SO_REUSEADDR alone is set (a quick restart past TIME_WAIT; a port in use is
// an error, never silently shared as SO_REUSEPORT would).
#pragma once

#include <cstdint>
#include <string>

namespace common {

struct ListeningSocket {
  int fd = -1;             // owned by the caller
  std::uint16_t port = 0;  // the bound one
};

// `what` names the server in errors. Throws std::invalid_argument ("<what>:
// '<address>' is not a numeric IPv4 or IPv6 address") or std::system_error
// with errno ("<what>: cannot bind <host>:<port>"). `socket_flags` are
// added to SOCK_STREAM | SOCK_CLOEXEC (e.g. SOCK_NONBLOCK).
ListeningSocket listen_tcp(const std::string& what, const std::string& address, std::uint16_t port, int backlog,
                           int socket_flags = 0);

}  // namespace common
