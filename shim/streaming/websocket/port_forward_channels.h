// Port forwarding over WebSocket, as kubelet's streaming server serves it
// (portforward/websocket.go): the ports come from the URL, all connections
// exist from the start, port i has data channel 2i (both ways) and error
// channel 2i+1 (to the client), and the first message on each of them is
// the port, 2 bytes little-endian.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "shim/streaming/byte_streams.h"
#include "shim/streaming/websocket/protocols.h"

namespace shim::streaming::websocket {

// The ports of `target`'s query: every "port" parameter, each a
// comma-separated list of ports 1..65535, in order. Throws
// std::invalid_argument with kubelet's message when there is none or one
// does not parse (the caller answers 400 before upgrading).
std::vector<std::uint16_t> port_forward_ports_from_query(std::string_view target);

// Takes `fd` (a connected TCP socket) whose upgrade `request` was read
// (with `already_read` past it), answers the handshake with one of
// port_forward_protocols() and returns the session. Its accept() hands out
// one PortForwardConnection per port, in order; after the last it blocks
// until the WebSocket session ends, then returns nullopt. The WebSocket is
// closed once every data_out and error_out is closed (or destroyed).
// Throws std::invalid_argument for no ports and HandshakeError (after an
// HTTP 400 when the request is not acceptable); the fd is closed then.
std::unique_ptr<PortForwardSession> accept_port_forward(int fd, const UpgradeRequest& request,
                                                        std::string_view already_read,
                                                        const std::vector<std::uint16_t>& ports);

}  // namespace shim::streaming::websocket
