#include "common/tcp_listen.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <stdexcept>
#include <system_error>

namespace common {

ListeningSocket listen_tcp(const std::string& what, const std::string& address, std::uint16_t port, int backlog,
                           int socket_flags) {
  sockaddr_storage storage{};
  socklen_t length = 0;
  if (auto* v4 = reinterpret_cast<sockaddr_in*>(&storage); inet_pton(AF_INET, address.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(port);
    length = sizeof *v4;
  } else if (auto* v6 = reinterpret_cast<sockaddr_in6*>(&storage);
             inet_pton(AF_INET6, address.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(port);
    length = sizeof *v6;
  } else {
    throw std::invalid_argument(what + ": '" + address + "' is not a numeric IPv4 or IPv6 address");
  }
  const std::string shown = (address.find(':') != std::string::npos ? "[" + address + "]" : address) + ":" +
                            std::to_string(port);
  ListeningSocket listening;
  listening.fd = ::socket(storage.ss_family, SOCK_STREAM | SOCK_CLOEXEC | socket_flags, 0);
  if (listening.fd < 0) throw std::system_error(errno, std::generic_category(), what + ": socket for " + shown);
  const int one = 1;
  ::setsockopt(listening.fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (::bind(listening.fd, reinterpret_cast<sockaddr*>(&storage), length) != 0 || ::listen(listening.fd, backlog) != 0) {
    const int error = errno;
    ::close(listening.fd);
    throw std::system_error(error, std::generic_category(), what + ": cannot bind " + shown);
  }
  sockaddr_storage bound{};
  socklen_t bound_length = sizeof bound;
  ::getsockname(listening.fd, reinterpret_cast<sockaddr*>(&bound), &bound_length);
  listening.port = ntohs(bound.ss_family == AF_INET ? reinterpret_cast<sockaddr_in*>(&bound)->sin_port
                                                    : reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port);
  return listening;
}

}  // namespace common
