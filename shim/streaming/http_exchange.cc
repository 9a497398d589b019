#include "shim/streaming/http_exchange.h"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include <boost/asio/buffer.hpp>
#include <boost/asio/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/status.hpp>
#include "common/string_helpers.h"

namespace shim::streaming {
namespace {

namespace http = boost::beast::http;
using Clock = std::chrono::steady_clock;

// Beast's SyncReadStream over a socket, each read bounded by the deadline.
class DeadlineReader {
 public:
  DeadlineReader(int fd, Clock::time_point deadline) : fd_(fd), deadline_(deadline) {}

  template <class Buffers>
  std::size_t read_some(const Buffers& buffers, boost::system::error_code& ec) {
    ec = {};
    auto buffer = *boost::asio::buffer_sequence_begin(buffers);
    for (;;) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline_ - Clock::now());
      if (left.count() <= 0) {
        ec = boost::asio::error::timed_out;
        return 0;
      }
      pollfd p{fd_, POLLIN, 0};
      const int ready = ::poll(&p, 1, static_cast<int>(left.count()));
      if (ready < 0 && errno != EINTR) {
        ec = boost::system::error_code(errno, boost::system::system_category());
        return 0;
      }
      if (ready <= 0) continue;
      const ssize_t n = ::recv(fd_, buffer.data(), buffer.size(), 0);
      if (n > 0) return static_cast<std::size_t>(n);
      if (n == 0) {
        ec = boost::asio::error::eof;
        return 0;
      }
      if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK) continue;
      ec = boost::system::error_code(errno, boost::system::system_category());
      return 0;
    }
  }
  template <class Buffers>
  std::size_t read_some(const Buffers& buffers) {
    boost::system::error_code ec;
    const std::size_t n = read_some(buffers, ec);
    if (ec) throw boost::system::system_error(ec);
    return n;
  }

 private:
  int fd_;
  Clock::time_point deadline_;
};

bool send_all(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) {
        pollfd p{fd, POLLOUT, 0};
        if (::poll(&p, 1, 5000) <= 0) return false;
        continue;
      }
      return false;
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

}  // namespace

IncomingRequest read_http_request(int fd, std::chrono::milliseconds timeout) {
  DeadlineReader reader(fd, Clock::now() + timeout);
  boost::beast::flat_buffer buffer;
  http::request_parser<http::string_body> parser;
  parser.header_limit(16 * 1024);
  parser.body_limit(64 * 1024);
  boost::system::error_code ec;
  http::read(reader, buffer, parser, ec);
  if (ec == boost::asio::error::timed_out)
    throw BadHttpRequest("no complete HTTP request within " + std::to_string(timeout.count()) +
                         " ms");
  if (ec) throw BadHttpRequest("cannot read the HTTP request: " + ec.message());
  IncomingRequest incoming;
  incoming.request = parser.release();
  const auto rest = buffer.data();
  incoming.already_read.assign(static_cast<const char*>(rest.data()), rest.size());
  return incoming;
}

void write_http_response(int fd, unsigned status, std::string_view body,
                         const std::vector<std::pair<std::string, std::string>>& headers,
                         std::string_view content_type) {
  std::string text = "HTTP/1.1 " + std::to_string(status) + " " +
                     std::string(http::obsolete_reason(static_cast<http::status>(status))) + "\r\n";
  for (const auto& [name, value] : headers) text += name + ": " + value + "\r\n";
  text += "Content-Type: " + std::string(content_type) + "\r\nConnection: close\r\nContent-Length: " +
          std::to_string(body.size()) + "\r\n\r\n";
  text += body;
  send_all(fd, text);
}

bool write_switching_protocols(int fd, std::string_view upgrade,
                               const std::vector<std::pair<std::string, std::string>>& headers) {
  std::string text = "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: " +
                     std::string(upgrade) + "\r\n";
  for (const auto& [name, value] : headers) text += name + ": " + value + "\r\n";
  text += "\r\n";
  return send_all(fd, text);
}

std::vector<std::string> header_values(const websocket::UpgradeRequest& request,
                                       std::string_view name) {
  std::vector<std::string> values;
  const auto range = request.equal_range(boost::beast::string_view(name.data(), name.size()));
  for (auto it = range.first; it != range.second; ++it) {
    const std::string_view all(it->value().data(), it->value().size());
    for (const auto& piece : common::split(all, ','))
      if (const auto value = common::trim(piece); !value.empty()) values.emplace_back(value);
  }
  return values;
}

}  // namespace shim::streaming
