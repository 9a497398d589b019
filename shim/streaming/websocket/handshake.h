// The server side of the WebSocket opening handshake (RFC 6455 section 4.2)
// with the sub-protocol chosen as kubelet chooses it (protocols.h).
#pragma once

#include <chrono>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>

#include <boost/asio/io_context.hpp>
#include <boost/beast/websocket/stream.hpp>

#include "shim/streaming/websocket/prefixed_socket.h"
#include "shim/streaming/websocket/protocols.h"

namespace shim::streaming::websocket {

using WebSocketStream = boost::beast::websocket::stream<PrefixedSocket>;

// How long the client has to complete the opening handshake, and the peer
// to answer our close frame, before the connection is dropped.
inline constexpr std::chrono::seconds kHandshakeTimeout{10};

// The upgrade failed and no session exists: either the request was refused
// with an HTTP error (not a WebSocket upgrade: 400 from Beast; no
// acceptable sub-protocol: 400 naming what was asked and what is
// supported) or the connection failed. The connection is closed; what()
// says why.
class HandshakeError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Answers `request` on `ws` (whose socket has not been used by Beast yet),
// running `io` on the calling thread until the answer is written. Returns
// the chosen protocol ("" when the client offered none; then the answer
// names none). Throws HandshakeError.
std::string negotiate_handshake(boost::asio::io_context& io, WebSocketStream& ws,
                                const UpgradeRequest& request,
                                std::span<const std::string_view> supported);

}  // namespace shim::streaming::websocket
