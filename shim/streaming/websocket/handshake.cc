#include "shim/streaming/websocket/handshake.h"

#include <boost/beast/core/error.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include "common/string_helpers.h"

namespace shim::streaming::websocket {
namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace {

// Answers 400 with `reason` as the body, closes, throws HandshakeError.
[[noreturn]] void refuse(boost::asio::io_context& io, WebSocketStream& ws,
                         const UpgradeRequest& request, const std::string& reason) {
  http::response<http::string_body> response(http::status::bad_request, request.version());
  response.set(http::field::content_type, "text/plain; charset=utf-8");
  response.set(http::field::connection, "close");
  response.body() = reason + "\n";
  response.prepare_payload();
  beast::error_code ec;
  http::async_write(ws.next_layer(), response, [&ec](beast::error_code e, std::size_t) { ec = e; });
  io.run();
  io.restart();
  auto& socket = ws.next_layer().next_layer();
  socket.shutdown(boost::asio::ip::tcp::socket::shutdown_both, ec);
  socket.close(ec);
  throw HandshakeError(reason);
}

}  // namespace

std::string negotiate_handshake(boost::asio::io_context& io, WebSocketStream& ws,
                                const UpgradeRequest& request,
                                std::span<const std::string_view> supported) {
  if (!beast::websocket::is_upgrade(request)) {
    refuse(io, ws, request, "not a WebSocket upgrade request");
  }
  const auto offered = offered_protocols(request);
  const auto chosen = choose_protocol(offered, supported);
  if (!chosen) {
    refuse(io, ws, request,
           "requested protocol(s) are not supported: [" + common::join(offered, " ") + "]; supports [" +
               common::join(supported, " ") + "]");
  }

  beast::websocket::stream_base::timeout timeouts;
  timeouts.handshake_timeout = kHandshakeTimeout;
  timeouts.idle_timeout = beast::websocket::stream_base::none();
  timeouts.keep_alive_pings = false;
  ws.set_option(timeouts);
  ws.set_option(beast::websocket::stream_base::decorator(
      [protocol = *chosen](beast::websocket::response_type& response) {
        response.set(http::field::server, "cri-shim");
        if (!protocol.empty()) response.set(http::field::sec_websocket_protocol, protocol);
      }));

  // Beast answers a bad upgrade (no key, wrong version) with its own 400.
  beast::error_code ec;
  ws.async_accept(request, [&ec](beast::error_code e) { ec = e; });
  io.run();
  io.restart();
  if (ec) {
    beast::error_code ignored;
    ws.next_layer().next_layer().close(ignored);
    throw HandshakeError("WebSocket handshake failed: " + ec.message());
  }
  return *chosen;
}

}  // namespace shim::streaming::websocket
