#include "shim/streaming/websocket/channel_session.h"

#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <utility>
#include <variant>

#include <boost/asio/post.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/websocket/error.hpp>
#include <spdlog/spdlog.h>

namespace shim::streaming::websocket {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace ws = boost::beast::websocket;
using tcp = asio::ip::tcp;

namespace {

tcp::socket adopt_socket(asio::io_context& io, int fd) {
  sockaddr_storage address{};
  socklen_t length = sizeof address;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0 ||
      (address.ss_family != AF_INET && address.ss_family != AF_INET6)) {
    ::close(fd);
    throw HandshakeError("WebSocket upgrade on a descriptor that is not a TCP socket");
  }
  tcp::socket socket(io);
  beast::error_code ec;
  socket.assign(address.ss_family == AF_INET6 ? tcp::v6() : tcp::v4(), fd, ec);
  if (ec) {
    ::close(fd);
    throw HandshakeError("WebSocket upgrade: cannot use the socket: " + ec.message());
  }
  return socket;
}

std::string describe_peer(tcp::socket& socket) {
  beast::error_code ec;
  const auto endpoint = socket.remote_endpoint(ec);
  if (ec) return "?";
  return endpoint.address().to_string() + ":" + std::to_string(endpoint.port());
}

}  // namespace

std::shared_ptr<ChannelSession> ChannelSession::accept(int fd, const UpgradeRequest& request,
                                                       std::string_view already_read,
                                                       std::span<const std::string_view> supported,
                                                       ChannelLayout layout) {
  return std::shared_ptr<ChannelSession>(
      new ChannelSession(fd, request, already_read, supported, std::move(layout)));
}

ChannelSession::ChannelSession(int fd, const UpgradeRequest& request, std::string_view already_read,
                               std::span<const std::string_view> supported, ChannelLayout layout)
    : layout_(std::move(layout)) {
  auto socket = adopt_socket(io_, fd);
  peer_ = describe_peer(socket);
  ws_ = std::make_unique<WebSocketStream>(std::move(socket), std::string(already_read));
  protocol_ = negotiate_handshake(io_, *ws_, request, supported);
  base64_ = is_base64_protocol(protocol_);
  close_signals_ = has_close_signal(protocol_);
  ws_->read_message_max(kMaxIncomingMessage);
  ws_->auto_fragment(false);

  inbound_.resize(layout_.count);
  output_open_.assign(layout_.count, false);
  for (auto channel : layout_.writable) {
    if (channel < layout_.count && !output_open_[channel]) {
      output_open_[channel] = true;
      ++open_outputs_;
    }
  }
  spdlog::debug("websocket {}: session open, protocol \"{}\"", peer_, protocol_);

  work_.emplace(io_.get_executor());
  asio::post(io_, [this] { start_read(); });
  thread_ = std::thread([this] { io_.run(); });
}

ChannelSession::~ChannelSession() {
  // Whatever is queued (an exit status, say) still goes out, then the
  // close; a peer that takes nothing more is cut off after a while.
  {
    std::lock_guard lock(mutex_);
    std::fill(output_open_.begin(), output_open_.end(), false);
    open_outputs_ = 0;
    if (state_ == State::open) close_when_drained_ = true;
    pump_scheduled_ = true;
  }
  asio::post(io_, [this] {
    {
      std::lock_guard lock(mutex_);
      if (state_ == State::ended) return;
    }
    close_deadline_.emplace(io_);
    close_deadline_->expires_after(kHandshakeTimeout);
    close_deadline_->async_wait([this](beast::error_code ec) {
      if (!ec) end(false, "the client took no output for " + std::to_string(kHandshakeTimeout.count()) + " s while closing");
    });
    pump_writes();
  });
  thread_.join();
}

// ---- other threads ----

void ChannelSession::write(std::uint8_t channel, std::string_view data) {
  do {
    const auto part = data.substr(0, kMaxMessageData);
    data.remove_prefix(part.size());
    enqueue(channel, part);
  } while (!data.empty());
}

void ChannelSession::enqueue(std::uint8_t channel, std::string_view data) {
  auto message = encode_message(channel, data, base64_);
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [&] { return state_ != State::open || outbound_bytes_ < kOutboundLimit; });
  if (state_ != State::open) throw StreamClosed("WebSocket session ended: " + end_reason_);
  if (channel >= output_open_.size() || !output_open_[channel]) {
    throw StreamClosed("WebSocket channel " + std::to_string(channel) + " is closed");
  }
  outbound_bytes_ += message.payload.size();
  outbound_.push_back(std::move(message));
  if (!std::exchange(pump_scheduled_, true)) asio::post(io_, [this] { pump_writes(); });
}

void ChannelSession::close_output(std::uint8_t channel) {
  std::lock_guard lock(mutex_);
  if (channel >= output_open_.size() || !output_open_[channel]) return;
  output_open_[channel] = false;
  if (--open_outputs_ == 0 && state_ == State::open) {
    close_when_drained_ = true;
    if (!std::exchange(pump_scheduled_, true)) asio::post(io_, [this] { pump_writes(); });
  }
}

std::optional<std::string> ChannelSession::read(std::uint8_t channel) {
  std::unique_lock lock(mutex_);
  auto& in = inbound_.at(channel);
  changed_.wait(lock, [&] { return !in.chunks.empty() || in.eof || state_ == State::ended; });
  if (!in.chunks.empty()) {
    auto data = std::move(in.chunks.front());
    in.chunks.pop_front();
    inbound_bytes_ -= data.size();
    resume_reading_if_paused(lock);
    return data;
  }
  if (in.eof || clean_end_) return std::nullopt;
  throw StreamClosed("WebSocket session ended: " + end_reason_);
}

void ChannelSession::release_input(std::uint8_t channel) {
  std::unique_lock lock(mutex_);
  auto& in = inbound_.at(channel);
  in.released = true;
  for (const auto& chunk : in.chunks) inbound_bytes_ -= chunk.size();
  in.chunks.clear();
  resume_reading_if_paused(lock);
}

void ChannelSession::resume_reading_if_paused(std::unique_lock<std::mutex>&) {
  if (read_paused_ && inbound_bytes_ <= kInboundLimit) {
    read_paused_ = false;
    asio::post(io_, [this] { start_read(); });
  }
}

void ChannelSession::shutdown(std::string_view reason) {
  asio::post(io_, [this, reason = std::string(reason)] {
    start_close(static_cast<std::uint16_t>(ws::close_code::going_away), reason, false);
  });
}

std::string ChannelSession::wait_ended() {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [&] { return state_ == State::ended; });
  return end_reason_;
}

// ---- the session thread ----

void ChannelSession::start_read() {
  if (reading_ || close_started_) return;
  {
    std::lock_guard lock(mutex_);
    if (state_ != State::open) return;
  }
  reading_ = true;
  ws_->async_read(read_buffer_, [this](beast::error_code ec, std::size_t) { on_read(ec); });
}

void ChannelSession::on_read(beast::error_code ec) {
  reading_ = false;
  if (ec) {
    if (ec == ws::error::closed && !close_started_) {
      const auto& why = ws_->reason();
      end(true, "closed by the client (code " + std::to_string(why.code) +
                    (why.reason.empty() ? "" : ": " + std::string(why.reason.c_str())) + ")");
    } else {
      end(false, "connection failed: " + ec.message());
    }
    return;
  }
  const auto message = beast::buffers_to_string(read_buffer_.data());
  read_buffer_.consume(read_buffer_.size());
  handle_message(message);
}

void ChannelSession::handle_message(std::string_view message) {
  IncomingMessage decoded;
  try {
    decoded = decode_message(message, base64_, close_signals_);
  } catch (const MalformedMessage& e) {
    start_close(static_cast<std::uint16_t>(ws::close_code::bad_payload), e.what(), false);
    return;
  }
  const auto unknown = [this](std::uint8_t channel) {
    start_close(static_cast<std::uint16_t>(ws::close_code::policy_error),
                "unknown channel " + std::to_string(channel), false);
  };
  {
    std::unique_lock lock(mutex_);
    if (auto* data = std::get_if<ChannelData>(&decoded)) {
      if (data->channel >= layout_.count) {
        lock.unlock();
        return unknown(data->channel);
      }
      auto& in = inbound_[data->channel];
      const bool wanted = std::find(layout_.readable.begin(), layout_.readable.end(),
                                    data->channel) != layout_.readable.end();
      if (wanted && !in.released && !in.eof && !data->data.empty()) {
        inbound_bytes_ += data->data.size();
        in.chunks.push_back(std::move(data->data));
      }
    } else if (auto* closed = std::get_if<ChannelClosed>(&decoded)) {
      if (closed->channel >= layout_.count) {
        lock.unlock();
        return unknown(closed->channel);
      }
      inbound_[closed->channel].eof = true;
    }
    if (inbound_bytes_ > kInboundLimit) read_paused_ = true;
  }
  changed_.notify_all();
  std::unique_lock lock(mutex_);
  if (!read_paused_) {
    lock.unlock();
    start_read();
  }
}

void ChannelSession::pump_writes() {
  if (writing_) return;
  std::unique_lock lock(mutex_);
  pump_scheduled_ = false;
  if (state_ != State::open) return;
  if (outbound_.empty()) {
    if (close_when_drained_) {
      lock.unlock();
      start_close(static_cast<std::uint16_t>(ws::close_code::normal), "", true);
    }
    return;
  }
  in_flight_ = std::move(outbound_.front());
  outbound_.pop_front();
  lock.unlock();
  writing_ = true;
  ws_->binary(!in_flight_.text);
  ws_->async_write(asio::buffer(in_flight_.payload), [this](beast::error_code ec, std::size_t) {
    writing_ = false;
    {
      std::lock_guard lock(mutex_);
      outbound_bytes_ -= std::min(outbound_bytes_, in_flight_.payload.size());
    }
    changed_.notify_all();
    in_flight_ = {};
    if (ec) return end(false, "connection failed: " + ec.message());
    pump_writes();
  });
}

void ChannelSession::start_close(std::uint16_t code, std::string reason, bool clean) {
  if (close_started_) return;
  close_started_ = true;
  {
    std::lock_guard lock(mutex_);
    if (state_ == State::ended) return;
    state_ = State::closing;
    clean_end_ = clean;
    end_reason_ = clean ? "all streams finished" : reason;
    outbound_.clear();
    outbound_bytes_ = writing_ ? in_flight_.payload.size() : 0;
  }
  changed_.notify_all();
  if (!clean) spdlog::info("websocket {}: closing the session: {}", peer_, reason);
  // WebSocket close reasons are limited to 123 bytes.
  if (reason.size() > 123) reason.resize(123);
  ws_->async_close(ws::close_reason(static_cast<ws::close_code>(code), reason), [this](beast::error_code ec) {
    // A pending read sees the peer's answer and ends the session; without
    // one (reading paused or stopped after bad input) end it here.
    if (!reading_) {
      std::string why;
      {
        std::lock_guard lock(mutex_);
        why = end_reason_;
      }
      end(clean_end_, ec ? why + " (close: " + ec.message() + ")" : why);
    }
  });
}

void ChannelSession::end(bool clean, std::string reason) {
  {
    std::lock_guard lock(mutex_);
    if (state_ == State::ended) return;
    if (state_ == State::closing) {
      // We closed first: our reason and verdict stand.
      clean = clean_end_;
      reason = end_reason_;
    }
    state_ = State::ended;
    clean_end_ = clean;
    end_reason_ = std::move(reason);
    outbound_.clear();
    outbound_bytes_ = writing_ ? in_flight_.payload.size() : 0;
  }
  changed_.notify_all();
  if (clean) {
    spdlog::debug("websocket {}: session ended: {}", peer_, end_reason_);
  } else {
    spdlog::info("websocket {}: session ended: {}", peer_, end_reason_);
  }
  if (close_deadline_) close_deadline_->cancel();
  beast::error_code ignored;
  ws_->next_layer().next_layer().close(ignored);
  work_.reset();
  // Nothing left matters: Beast's own close timer would otherwise keep the
  // thread for its full timeout. Abandoned operations are destroyed with
  // the io_context, never run.
  io_.stop();
}

}  // namespace shim::streaming::websocket
