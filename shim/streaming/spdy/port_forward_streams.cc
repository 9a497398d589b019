#include "shim/streaming/spdy/port_forward_streams.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdint>
#include <variant>

namespace shim::streaming::spdy {
namespace {

// The port of a stream, or the message that says why there is none.
std::variant<std::uint16_t, std::string> parse_port(const Stream& stream) {
  std::optional<std::string> text = stream.header("port");
  if (!text || text->empty()) return std::string("\"port\" header is required");
  bool digits = text->size() <= 5 && std::all_of(text->begin(), text->end(), [](char c) { return c >= '0' && c <= '9'; });
  if (!digits || std::stoul(*text) > 65535) return "unable to parse \"" + *text + "\" as a port";
  auto port = static_cast<std::uint16_t>(std::stoul(*text));
  if (port == 0) return "port \"" + *text + "\" must be > 0";
  return port;
}

void write_error(Stream& error_stream, const std::string& message) {
  if (auto out = error_stream.take_output()) {
    try {
      out->write(message);
    } catch (const StreamClosed&) {
      // The client is gone; nobody left to tell.
    }
    out->close();
  }
}

}  // namespace

SpdyPortForwardSession::SpdyPortForwardSession(Session& session, std::chrono::milliseconds pair_timeout)
    : session_(session), pair_timeout_(pair_timeout) {}

void SpdyPortForwardSession::fail(const std::string& request_id, Pair& pair, const std::string& message) {
  spdlog::debug("port forward: request {}: {}", request_id, message);
  if (pair.error) write_error(*pair.error, message);
  if (pair.data) pair.data->reset(RstStatus::kCancel);
  pair.failure = message;
}

void SpdyPortForwardSession::expire(Session::Clock::time_point now) {
  for (auto it = pairs_.begin(); it != pairs_.end();) {
    if (it->second.deadline > now) {
      ++it;
      continue;
    }
    if (!it->second.failure) fail(it->first, it->second, "timed out waiting for streams of request " + it->first);
    it = pairs_.erase(it);
  }
}

std::optional<PortForwardConnection> SpdyPortForwardSession::accept() {
  for (;;) {
    expire(Session::Clock::now());
    auto deadline = Session::Clock::time_point::max();
    for (const auto& [id, pair] : pairs_) deadline = std::min(deadline, pair.deadline);

    std::unique_ptr<Stream> stream = session_.next_stream(deadline);
    if (!stream) {
      if (session_.ended()) {
        pairs_.clear();
        return std::nullopt;
      }
      continue;  // a pair's deadline passed
    }

    std::string type = stream->header("streamtype").value_or("");
    if (type != "error" && type != "data") {
      spdlog::debug("port forward: stream {} has invalid stream type \"{}\"", stream->id(), type);
      stream->reset(RstStatus::kProtocolError);
      continue;
    }
    std::string request_id = stream->header("requestid").value_or("");
    if (request_id.empty()) {
      request_id = std::to_string(type == "error" ? stream->id() : stream->id() - 2);
    }
    auto port = parse_port(*stream);

    auto [it, created] = pairs_.try_emplace(request_id);
    Pair& pair = it->second;
    if (created) pair.deadline = Session::Clock::now() + pair_timeout_;
    if (pair.failure) {
      if (type == "error" && !pair.error) {
        write_error(*stream, *pair.failure);
        pair.error = std::move(stream);
      } else {
        stream->reset(RstStatus::kCancel);
      }
      continue;
    }
    std::unique_ptr<Stream>& slot = type == "error" ? pair.error : pair.data;
    if (slot) {
      stream->reset(RstStatus::kProtocolError);
      fail(request_id, pair, "error processing stream for request " + request_id + ": " + type +
                                 " stream already assigned");
      continue;
    }
    slot = std::move(stream);
    if (auto* message = std::get_if<std::string>(&port)) {
      fail(request_id, pair, "error processing stream for request " + request_id + ": " + *message);
      continue;
    }
    if (!pair.error || !pair.data) continue;

    PortForwardConnection connection;
    connection.port = std::get<std::uint16_t>(parse_port(*pair.data));
    connection.data_in = pair.data->take_input();
    connection.data_out = pair.data->take_output();
    connection.error_out = pair.error->take_output();
    pairs_.erase(it);
    return connection;
  }
}

}  // namespace shim::streaming::spdy
