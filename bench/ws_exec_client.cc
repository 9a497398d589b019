#include "bench/ws_exec_client.h"

#include <stdexcept>

#include <boost/asio/buffer.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/websocket.hpp>
#include <nlohmann/json.hpp>

namespace bench {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = boost::beast::websocket;

void keep_head(std::string& head, std::size_t keep, const char* data, std::size_t size) {
  if (head.size() < keep) head.append(data, std::min(size, keep - head.size()));
}

}  // namespace

ExecResult run_exec_over_websocket(const std::string& url, std::size_t keep) {
  const auto parsed = parse_exec_url(url);
  asio::io_context io;
  websocket::stream<asio::ip::tcp::socket> ws(io);
  ws.next_layer().connect({asio::ip::make_address(parsed.host), parsed.port});
  ws.set_option(websocket::stream_base::decorator([](websocket::request_type& request) {
    request.set(beast::http::field::sec_websocket_protocol, "v4.channel.k8s.io");
  }));
  websocket::response_type response;
  ws.handshake(response, parsed.host + ":" + std::to_string(parsed.port), parsed.target);

  ExecResult result;
  if (const auto it = response.find(beast::http::field::sec_websocket_protocol); it != response.end())
    result.protocol = std::string(it->value());
  if (result.protocol != "v4.channel.k8s.io")
    throw std::runtime_error("server chose protocol \"" + result.protocol + "\", not v4.channel.k8s.io");

  beast::flat_buffer buffer;
  for (;;) {
    beast::error_code ec;
    ws.read(buffer, ec);
    if (ec == websocket::error::closed) break;
    if (ec) throw boost::system::system_error(ec, "reading from the streaming server");
    const auto data = buffer.cdata();
    const char* bytes = static_cast<const char*>(data.data());
    if (data.size() > 0) {
      const auto channel = static_cast<std::uint8_t>(bytes[0]);
      const char* payload = bytes + 1;
      const std::size_t size = data.size() - 1;
      switch (channel) {
        case 1:
          result.stdout_bytes += size;
          keep_head(result.stdout_head, keep, payload, size);
          break;
        case 2:
          result.stderr_bytes += size;
          keep_head(result.stderr_head, keep, payload, size);
          break;
        case 3:
          result.status.append(payload, size);
          break;
        default:
          throw std::runtime_error("message on unexpected channel " + std::to_string(channel));
      }
    }
    buffer.consume(buffer.size());
  }
  if (ws.reason().code != websocket::close_code::normal)
    throw std::runtime_error("server closed with code " + std::to_string(ws.reason().code) + ": " +
                             std::string(ws.reason().reason.c_str()));
  return result;
}

// The streaming server's URLs are http://<numeric address>:<port>/<path>.
ExecUrl parse_exec_url(const std::string& url) {
  constexpr std::string_view scheme = "http://";
  if (url.compare(0, scheme.size(), scheme) != 0) throw std::runtime_error("not an http:// URL: " + url);
  const auto slash = url.find('/', scheme.size());
  const auto colon = url.rfind(':', slash);
  if (slash == std::string::npos || colon == std::string::npos || colon < scheme.size())
    throw std::runtime_error("URL without host:port/path: " + url);
  ExecUrl parsed;
  parsed.host = url.substr(scheme.size(), colon - scheme.size());
  const int port = std::stoi(url.substr(colon + 1, slash - colon - 1));
  if (port <= 0 || port > 65535) throw std::runtime_error("URL with a bad port: " + url);
  parsed.port = static_cast<std::uint16_t>(port);
  parsed.target = url.substr(slash);
  return parsed;
}

bool status_is_success(const std::string& status) {
  const auto json = nlohmann::json::parse(status, nullptr, false);
  return json.is_object() && json.value("status", "") == "Success";
}

}  // namespace bench
