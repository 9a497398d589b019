#include "shim/streaming/websocket/port_forward_channels.h"

#include <unistd.h>

#include <charconv>
#include <deque>
#include <stdexcept>
#include <string>

#include "shim/streaming/websocket/channel_session.h"
#include "shim/streaming/websocket/channel_streams.h"
#include "shim/streaming/websocket/query.h"

namespace shim::streaming::websocket {
namespace {

std::uint16_t parse_port(std::string_view text, const std::string& parameter) {
  unsigned value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty() || value > 65535) {
    throw std::invalid_argument("unable to parse \"" + parameter + "\" as a port");
  }
  if (value < 1) throw std::invalid_argument("port \"" + parameter + "\" must be > 0");
  return static_cast<std::uint16_t>(value);
}

class WebSocketPortForward final : public PortForwardSession {
 public:
  WebSocketPortForward(std::shared_ptr<ChannelSession> session,
                       std::deque<PortForwardConnection> connections)
      : session_(std::move(session)), connections_(std::move(connections)) {}

  std::optional<PortForwardConnection> accept() override {
    if (!connections_.empty()) {
      auto connection = std::move(connections_.front());
      connections_.pop_front();
      return connection;
    }
    session_->wait_ended();
    return std::nullopt;
  }

 private:
  std::shared_ptr<ChannelSession> session_;
  std::deque<PortForwardConnection> connections_;
};

}  // namespace

std::vector<std::uint16_t> port_forward_ports_from_query(std::string_view target) {
  const auto values = query_values(target, "port");
  if (values.empty()) throw std::invalid_argument("query parameter \"port\" is required");
  std::vector<std::uint16_t> ports;
  for (const auto& value : values) {
    if (value.empty()) throw std::invalid_argument("query parameter \"port\" cannot be empty");
    std::string_view list = value;
    while (true) {
      const auto comma = list.find(',');
      ports.push_back(parse_port(list.substr(0, comma), value));
      if (comma == std::string_view::npos) break;
      list.remove_prefix(comma + 1);
    }
  }
  return ports;
}

std::unique_ptr<PortForwardSession> accept_port_forward(int fd, const UpgradeRequest& request,
                                                        std::string_view already_read,
                                                        const std::vector<std::uint16_t>& ports) {
  // Channel numbers are one byte: 2 per port.
  if (ports.empty() || ports.size() > 128) {
    ::close(fd);
    throw std::invalid_argument("port forward needs 1 to 128 ports, got " + std::to_string(ports.size()));
  }
  ChannelLayout layout;
  layout.count = 2 * ports.size();
  for (std::size_t i = 0; i < ports.size(); ++i) {
    layout.readable.push_back(static_cast<std::uint8_t>(2 * i));
    layout.writable.push_back(static_cast<std::uint8_t>(2 * i));
    layout.writable.push_back(static_cast<std::uint8_t>(2 * i + 1));
  }
  auto session = ChannelSession::accept(fd, request, already_read, port_forward_protocols(), layout);

  std::deque<PortForwardConnection> connections;
  for (std::size_t i = 0; i < ports.size(); ++i) {
    const auto data = static_cast<std::uint8_t>(2 * i);
    const auto error = static_cast<std::uint8_t>(2 * i + 1);
    PortForwardConnection connection;
    connection.port = ports[i];
    connection.data_in = std::make_unique<ChannelInput>(session, data);
    connection.data_out = std::make_unique<ChannelOutput>(session, data);
    connection.error_out = std::make_unique<ChannelOutput>(session, error);
    const char port_bytes[2] = {static_cast<char>(ports[i] & 0xff), static_cast<char>(ports[i] >> 8)};
    session->write(data, std::string_view(port_bytes, 2));
    session->write(error, std::string_view(port_bytes, 2));
    connections.push_back(std::move(connection));
  }
  return std::make_unique<WebSocketPortForward>(std::move(session), std::move(connections));
}

}  // namespace shim::streaming::websocket
