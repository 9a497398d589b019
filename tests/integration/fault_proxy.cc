#include "tests/integration/fault_proxy.h"

#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <stdexcept>

namespace itest {
namespace {

bool write_all(int fd, const char* data, std::size_t size) {
  while (size > 0) {
    const ssize_t n = ::write(fd, data, size);
    if (n <= 0) return false;
    data += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

}  // namespace

FaultProxy::FaultProxy(std::string path, std::string upstream) : path_(std::move(path)) {
  const auto unix_address = [](const std::string& p) {
    Address address;
    auto* un = reinterpret_cast<sockaddr_un*>(&address.storage);
    un->sun_family = AF_UNIX;
    std::snprintf(un->sun_path, sizeof un->sun_path, "%s", p.c_str());
    address.length = sizeof(sockaddr_un);
    return address;
  };
  upstream_ = unix_address(upstream);
  listen_on(unix_address(path_));
}

FaultProxy::FaultProxy(Address listen_address, Address upstream) : upstream_(upstream) {
  listen_on(listen_address);
  sockaddr_in bound{};
  socklen_t length = sizeof bound;
  REQUIRE(::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&bound), &length) == 0);
  port_ = ntohs(bound.sin_port);
}

std::unique_ptr<FaultProxy> FaultProxy::loopback_tcp(const std::string& upstream) {
  const auto colon = upstream.rfind(':');
  if (colon == std::string::npos) throw std::invalid_argument("not host:port: " + upstream);
  const auto tcp_address = [](const std::string& host, int port) {
    Address address;
    auto* in = reinterpret_cast<sockaddr_in*>(&address.storage);
    in->sin_family = AF_INET;
    in->sin_port = htons(static_cast<std::uint16_t>(port));
    if (::inet_pton(AF_INET, host.c_str(), &in->sin_addr) != 1)
      throw std::invalid_argument("not an IPv4 address: " + host);
    address.length = sizeof(sockaddr_in);
    return address;
  };
  return std::unique_ptr<FaultProxy>(new FaultProxy(
      tcp_address("127.0.0.1", 0), tcp_address(upstream.substr(0, colon), std::stoi(upstream.substr(colon + 1)))));
}

void FaultProxy::listen_on(const Address& address) {
  listen_fd_ = ::socket(address.storage.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  REQUIRE(listen_fd_ >= 0);
  REQUIRE(::bind(listen_fd_, reinterpret_cast<const sockaddr*>(&address.storage), address.length) == 0);
  REQUIRE(::listen(listen_fd_, 64) == 0);
  acceptor_ = std::thread([this] { accept_loop(); });
}

FaultProxy::~FaultProxy() {
  ::shutdown(listen_fd_, SHUT_RDWR);
  acceptor_.join();
  ::close(listen_fd_);
  cut();
  for (auto& t : pumps_) t.join();
  for (int fd : fds_) ::close(fd);
  if (!path_.empty()) ::unlink(path_.c_str());
}

void FaultProxy::cut() {
  std::lock_guard lock(mutex_);
  for (int fd : fds_) ::shutdown(fd, SHUT_RDWR);
}

void FaultProxy::set_down(bool down) {
  down_ = down;
  if (down) cut();
}

void FaultProxy::accept_loop() {
  for (;;) {
    const int client = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0) return;
    if (down_) {
      ::close(client);
      continue;
    }
    const int server = ::socket(upstream_.storage.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (::connect(server, reinterpret_cast<const sockaddr*>(&upstream_.storage), upstream_.length) != 0) {
      ::close(client);
      ::close(server);
      continue;
    }
    std::lock_guard lock(mutex_);
    fds_.push_back(client);
    fds_.push_back(server);
    ++connections_;
    pumps_.emplace_back([this, client, server] { pump(client, server); });
  }
}

void FaultProxy::pump(int client, int server) {
  char buf[65536];
  pollfd fds[2] = {{client, POLLIN, 0}, {server, POLLIN, 0}};
  for (bool done = false; !done;) {
    if (::poll(fds, 2, -1) < 0) break;
    for (int i = 0; i < 2 && !done; ++i) {
      if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      const bool reply = fds[i].fd == server;
      const std::size_t rate = reply ? reply_rate_.load() : 0;
      // At a limited rate, a read takes a tenth of a second's worth.
      const std::size_t want = rate ? std::clamp<std::size_t>(rate / 10, 1, sizeof buf) : sizeof buf;
      const ssize_t n = ::read(fds[i].fd, buf, want);
      if (n <= 0) {
        done = true;
        break;
      }
      if (reply) {
        auto hold = std::chrono::milliseconds(reply_delay_ms_.load());
        if (rate) hold += std::chrono::milliseconds(1000 * static_cast<std::size_t>(n) / rate);
        if (hold.count() > 0) std::this_thread::sleep_for(hold);
      }
      if (!write_all(fds[1 - i].fd, buf, static_cast<std::size_t>(n))) done = true;
      if (reply && !done) reply_bytes_ += static_cast<std::size_t>(n);
    }
  }
  ::shutdown(client, SHUT_RDWR);
  ::shutdown(server, SHUT_RDWR);
}

}  // namespace itest
