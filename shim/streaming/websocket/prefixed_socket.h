// A TCP socket that first yields bytes already read from it.
//
// The HTTP server reads the upgrade request itself and may read past it
// (a client that sends its first frame right behind the request). Beast's
// accept(request) takes no such bytes, so the WebSocket stream reads
// through this layer: those bytes first, then the socket.
//
// Asynchronous operations only (the session runs them on one thread);
// not thread-safe, like the socket it wraps.
#pragma once

#include <cstddef>
#include <string>
#include <utility>

#include <boost/asio/buffer.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/websocket/teardown.hpp>

namespace shim::streaming::websocket {

class PrefixedSocket {
 public:
  using next_layer_type = boost::asio::ip::tcp::socket;
  using executor_type = next_layer_type::executor_type;

  PrefixedSocket(next_layer_type socket, std::string prefix)
      : socket_(std::move(socket)), prefix_(std::move(prefix)) {}

  executor_type get_executor() noexcept { return socket_.get_executor(); }
  next_layer_type& next_layer() noexcept { return socket_; }

  template <class MutableBuffers, class Handler>
  void async_read_some(const MutableBuffers& buffers, Handler&& handler) {
    if (consumed_ == prefix_.size()) {
      socket_.async_read_some(buffers, std::forward<Handler>(handler));
      return;
    }
    const auto n = boost::asio::buffer_copy(
        buffers, boost::asio::buffer(prefix_.data() + consumed_, prefix_.size() - consumed_));
    consumed_ += n;
    // Complete as an operation would: never inside the initiating call.
    boost::asio::post(get_executor(), boost::beast::bind_front_handler(
                                          std::forward<Handler>(handler), boost::beast::error_code(), n));
  }

  template <class ConstBuffers, class Handler>
  void async_write_some(const ConstBuffers& buffers, Handler&& handler) {
    socket_.async_write_some(buffers, std::forward<Handler>(handler));
  }

 private:
  next_layer_type socket_;
  std::string prefix_;
  std::size_t consumed_ = 0;
};

// Beast closes a WebSocket by tearing down its lowest layer, the socket.
inline void teardown(boost::beast::role_type role, PrefixedSocket& socket,
                     boost::beast::error_code& ec) {
  boost::beast::websocket::teardown(role, socket.next_layer(), ec);
}

template <class Handler>
void async_teardown(boost::beast::role_type role, PrefixedSocket& socket, Handler&& handler) {
  boost::beast::websocket::async_teardown(role, socket.next_layer(), std::forward<Handler>(handler));
}

}  // namespace shim::streaming::websocket
