// Test support: the part of the HTTP server that the WebSocket code expects
// in front of it. Listens on loopback, accepts one connection, reads its
// HTTP request with Beast and hands over the raw fd, the request and the
// bytes read past it, exactly what the streaming server will pass.
#pragma once

#include <cstdint>
#include <string>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>

#include "shim/streaming/websocket/protocols.h"

namespace shim::streaming::websocket::testing {

struct ReadUpgrade {
  int fd = -1;
  UpgradeRequest request;
  std::string already_read;
};

class UpgradeListener {
 public:
  UpgradeListener()
      : acceptor_(io_, boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0)) {}

  std::uint16_t port() const { return acceptor_.local_endpoint().port(); }

  // Blocks for the next connection and its request.
  ReadUpgrade accept_one() {
    boost::asio::ip::tcp::socket socket(io_);
    acceptor_.accept(socket);
    boost::beast::flat_buffer buffer;
    ReadUpgrade upgrade;
    boost::beast::http::read(socket, buffer, upgrade.request);
    upgrade.already_read = boost::beast::buffers_to_string(buffer.data());
    upgrade.fd = socket.release();
    return upgrade;
  }

 private:
  boost::asio::io_context io_;
  boost::asio::ip::tcp::acceptor acceptor_;
};

}  // namespace shim::streaming::websocket::testing
