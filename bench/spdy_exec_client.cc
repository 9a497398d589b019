#include "bench/spdy_exec_client.h"

#include <map>
#include <stdexcept>
#include <variant>

#include <boost/asio/buffer.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/write.hpp>

#include "shim/streaming/spdy/frames.h"
#include "shim/streaming/spdy/header_compression.h"

namespace bench {
namespace {

namespace asio = boost::asio;
namespace spdy = shim::streaming::spdy;

constexpr std::uint32_t kErrorStream = 1, kStdoutStream = 3, kStderrStream = 5;
// Consumed bytes are returned to the server's windows in steps this large:
// half the default window, so the server never waits on a full one.
constexpr std::uint32_t kWindowStep = 32 * 1024;

std::string header_value(const std::string& response, const std::string& name) {
  // Case-insensitive search for "\r\n<name>:".
  std::string lower = response;
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::string key = "\r\n" + name + ":";
  for (auto& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const auto at = lower.find(key);
  if (at == std::string::npos) return "";
  auto begin = at + key.size();
  const auto end = response.find("\r\n", begin);
  while (begin < end && response[begin] == ' ') ++begin;
  return response.substr(begin, end - begin);
}

}  // namespace

ExecResult run_exec_over_spdy(const std::string& url, std::size_t keep) {
  const auto parsed = parse_exec_url(url);
  asio::io_context io;
  asio::ip::tcp::socket socket(io);
  socket.connect({asio::ip::make_address(parsed.host), parsed.port});
  // As Go's (kubectl's) TCP connections: small frames (WINDOW_UPDATE) must
  // not wait for Nagle.
  socket.set_option(asio::ip::tcp::no_delay(true));
  const std::string request = "POST " + parsed.target + " HTTP/1.1\r\nHost: " + parsed.host + ":" +
                              std::to_string(parsed.port) +
                              "\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\n"
                              "X-Stream-Protocol-Version: v4.channel.k8s.io\r\nContent-Length: 0\r\n\r\n";
  asio::write(socket, asio::buffer(request));
  std::string received;
  const auto head_end = asio::read_until(socket, asio::dynamic_buffer(received), "\r\n\r\n");
  const std::string response = received.substr(0, head_end);
  if (response.rfind("HTTP/1.1 101", 0) != 0)
    throw std::runtime_error("SPDY upgrade refused: " + response.substr(0, response.find("\r\n")));

  ExecResult result;
  result.protocol = header_value(response, "X-Stream-Protocol-Version");
  spdy::FrameParser parser;
  parser.feed(std::string_view(received).substr(head_end));
  spdy::HeaderCompressor compressor;
  spdy::HeaderDecompressor decompressor;

  auto send = [&](const spdy::Frame& frame) { asio::write(socket, asio::buffer(spdy::serialize(frame))); };
  // kubectl opens the error stream first, then the outputs.
  for (const auto& [id, type] : {std::pair{kErrorStream, "error"}, std::pair{kStdoutStream, "stdout"},
                                 std::pair{kStderrStream, "stderr"}}) {
    spdy::Headers headers = {{"streamtype", type}};
    send(spdy::SynStreamFrame{id, 0, 0, 0, 0, compressor.compress(headers)});
  }

  std::map<std::uint32_t, bool> open = {{kErrorStream, true}, {kStdoutStream, true}, {kStderrStream, true}};
  std::map<std::uint32_t, std::uint32_t> unacknowledged;  // per stream; 0 = the session
  auto consumed = [&](std::uint32_t stream, std::uint32_t bytes) {
    for (const std::uint32_t id : {stream, 0u}) {
      if ((unacknowledged[id] += bytes) >= kWindowStep) {
        send(spdy::WindowUpdateFrame{id, unacknowledged[id]});
        unacknowledged[id] = 0;
      }
    }
  };
  std::vector<char> buffer(256 * 1024);
  auto any_open = [&] {
    for (const auto& [id, is_open] : open)
      if (is_open) return true;
    return false;
  };
  while (any_open()) {
    auto frame = parser.next();
    if (!frame) {
      boost::system::error_code ec;
      const auto n = socket.read_some(asio::buffer(buffer), ec);
      if (ec) throw std::runtime_error("SPDY connection ended before every stream did: " + ec.message());
      parser.feed(std::string_view(buffer.data(), n));
      continue;
    }
    if (auto* data = std::get_if<spdy::DataFrame>(&*frame)) {
      const auto size = static_cast<std::uint32_t>(data->data.size());
      if (data->stream_id == kStdoutStream) {
        result.stdout_bytes += size;
        if (result.stdout_head.size() < keep) result.stdout_head += data->data.substr(0, keep - result.stdout_head.size());
      } else if (data->stream_id == kStderrStream) {
        result.stderr_bytes += size;
        if (result.stderr_head.size() < keep) result.stderr_head += data->data.substr(0, keep - result.stderr_head.size());
      } else if (data->stream_id == kErrorStream) {
        result.status += data->data;
      }
      if (size > 0) consumed(data->stream_id, size);
      if (data->flags & spdy::kFlagFin) open[data->stream_id] = false;
    } else if (auto* reply = std::get_if<spdy::SynReplyFrame>(&*frame)) {
      // Inflated in order even though unused: the zlib stream is shared.
      decompressor.inflate(reply->header_block);
      if (reply->flags & spdy::kFlagFin) open[reply->stream_id] = false;
    } else if (auto* headers = std::get_if<spdy::HeadersFrame>(&*frame)) {
      decompressor.inflate(headers->header_block);
      if (headers->flags & spdy::kFlagFin) open[headers->stream_id] = false;
    } else if (auto* ping = std::get_if<spdy::PingFrame>(&*frame)) {
      if (ping->id % 2 == 0) send(*ping);  // the server's: echo it
    } else if (auto* reset = std::get_if<spdy::RstStreamFrame>(&*frame)) {
      throw std::runtime_error("SPDY stream " + std::to_string(reset->stream_id) + " reset, status " +
                               std::to_string(reset->status));
    } else if (std::holds_alternative<spdy::GoAwayFrame>(*frame)) {
      throw std::runtime_error("SPDY GOAWAY before every stream ended");
    }
    // SETTINGS and WINDOW_UPDATE: this client sends nothing to be limited.
  }
  // As kubectl does once it has the status: the connection goes.
  boost::system::error_code ignored;
  socket.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  return result;
}

}  // namespace bench
