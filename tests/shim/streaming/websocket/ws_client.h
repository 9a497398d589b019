// Test support: a WebSocket client (Beast) for the loopback session tests.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket.hpp>

namespace shim::streaming::websocket::testing {

class TestClient {
 public:
  using Stream = boost::beast::websocket::stream<boost::asio::ip::tcp::socket>;

  TestClient() : ws_(io_) {}

  // Connects and handshakes offering `protocols` (none: no header).
  // Returns whether the server accepted (Beast 1.74 keeps no refused
  // response: see raw_upgrade()).
  bool connect(std::uint16_t port, const std::string& target, const std::vector<std::string>& protocols) {
    ws_.next_layer().connect({boost::asio::ip::make_address("127.0.0.1"), port});
    std::string offered;
    for (const auto& p : protocols) offered += (offered.empty() ? "" : ", ") + p;
    ws_.set_option(boost::beast::websocket::stream_base::decorator(
        [offered](boost::beast::websocket::request_type& request) {
          if (!offered.empty()) request.set(boost::beast::http::field::sec_websocket_protocol, offered);
        }));
    boost::beast::error_code ec;
    ws_.handshake(response_, "127.0.0.1", target, ec);
    return !ec;
  }

  std::string negotiated() const {
    const auto it = response_.find(boost::beast::http::field::sec_websocket_protocol);
    return it == response_.end() ? std::string() : std::string(it->value());
  }
  bool has_protocol_header() const {
    return response_.find(boost::beast::http::field::sec_websocket_protocol) != response_.end();
  }
  const boost::beast::websocket::response_type& response() const { return response_; }

  void send_binary(std::string_view message) {
    ws_.binary(true);
    ws_.write(boost::asio::buffer(message.data(), message.size()));
  }
  void send_text(std::string_view message) {
    ws_.text(true);
    ws_.write(boost::asio::buffer(message.data(), message.size()));
  }
  // One whole message; throws boost::system::system_error when the
  // connection closes (websocket::error::closed after a close frame).
  std::string receive() {
    boost::beast::flat_buffer buffer;
    ws_.read(buffer);
    last_was_text_ = ws_.got_text();
    return boost::beast::buffers_to_string(buffer.data());
  }
  bool last_was_text() const { return last_was_text_; }

  // Reads until the server closes; returns its close reason.
  boost::beast::websocket::close_reason receive_close() {
    try {
      for (;;) receive();
    } catch (const boost::system::system_error& e) {
      if (e.code() != boost::beast::websocket::error::closed) throw;
    }
    return ws_.reason();
  }

  Stream& stream() { return ws_; }

 private:
  boost::asio::io_context io_;
  Stream ws_;
  boost::beast::websocket::response_type response_;
  bool last_was_text_ = false;
};

// Sends a WebSocket upgrade request offering `protocols` over a plain
// socket and returns the server's HTTP answer (for refusals).
inline boost::beast::http::response<boost::beast::http::string_body> raw_upgrade(
    std::uint16_t port, const std::string& target, const std::string& protocols) {
  boost::asio::io_context io;
  boost::asio::ip::tcp::socket socket(io);
  socket.connect({boost::asio::ip::make_address("127.0.0.1"), port});
  boost::beast::http::request<boost::beast::http::empty_body> request(boost::beast::http::verb::get, target, 11);
  request.set(boost::beast::http::field::host, "127.0.0.1");
  request.set(boost::beast::http::field::upgrade, "websocket");
  request.set(boost::beast::http::field::connection, "Upgrade");
  request.set(boost::beast::http::field::sec_websocket_key, "dGhlIHNhbXBsZSBub25jZQ==");
  request.set(boost::beast::http::field::sec_websocket_version, "13");
  if (!protocols.empty()) request.set(boost::beast::http::field::sec_websocket_protocol, protocols);
  boost::beast::http::write(socket, request);
  boost::beast::flat_buffer buffer;
  boost::beast::http::response<boost::beast::http::string_body> response;
  boost::beast::http::read(socket, buffer, response);
  return response;
}

inline std::string channel_message(std::uint8_t channel, std::string_view data) {
  std::string message(1, static_cast<char>(channel));
  message.append(data);
  return message;
}

}  // namespace shim::streaming::websocket::testing
