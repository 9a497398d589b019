// One WebSocket connection carrying Kubernetes channels (wsstream's Conn):
// the opening handshake, then messages in both directions split into
// numbered channels (channel_codec.h).
//
// Threads: the handshake runs on the caller of accept(). After it, one
// session thread runs every operation on the Beast stream (read, write,
// close; Beast answers pings while reading), so nothing ever collides on
// it. Other threads only touch queues under a mutex:
//   write() encodes, waits while more than kOutboundLimit bytes are queued
//     (back-pressure reaches the writer; memory stays bounded), queues;
//   read() waits for its channel's queue. The session stops reading from
//     the socket while more than kInboundLimit bytes wait unread.
// Any thread may call any method; one channel is read by one thread.
//
// Lifetime: the session closes the WebSocket (code 1000) once every output
// channel is closed (kubelet closes its connection when the command or
// forwarded connection ends), or with an error code and reason when the
// client breaks the protocol (malformed message, unknown channel), or on
// shutdown(). The peer closing or vanishing ends it too. Destroying it
// closes every output, sends what is queued, closes the WebSocket, and
// waits for the session thread (at most kHandshakeTimeout for a client
// that takes nothing more, then the connection is dropped).
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>

#include "shim/streaming/byte_streams.h"
#include "shim/streaming/websocket/channel_codec.h"
#include "shim/streaming/websocket/handshake.h"

namespace shim::streaming::websocket {

// Which channels a session has. Data the client sends on a channel below
// `count` that is not readable is dropped, as kubelet drops it (stdin
// without ?stdin=1, or client data on an output channel); data on a channel
// at or above `count` closes the session.
struct ChannelLayout {
  std::size_t count = 0;
  std::vector<std::uint8_t> readable;  // delivered to read()
  std::vector<std::uint8_t> writable;  // written with write(); all closed => session closes
};

class ChannelSession {
 public:
  // Outgoing data is cut into messages of at most this many bytes.
  static constexpr std::size_t kMaxMessageData = 256 * 1024;
  static constexpr std::size_t kOutboundLimit = 1024 * 1024;
  static constexpr std::size_t kInboundLimit = 1024 * 1024;
  // Larger client messages close the session (1009).
  static constexpr std::size_t kMaxIncomingMessage = 4 * 1024 * 1024;

  // Takes ownership of `fd`, a connected TCP socket whose HTTP upgrade
  // `request` was read (with `already_read`, bytes read past it), answers
  // the handshake choosing among `supported` and starts the session thread.
  // Throws HandshakeError (the fd is closed then).
  static std::shared_ptr<ChannelSession> accept(int fd, const UpgradeRequest& request,
                                                std::string_view already_read,
                                                std::span<const std::string_view> supported,
                                                ChannelLayout layout);
  ~ChannelSession();
  ChannelSession(const ChannelSession&) = delete;
  ChannelSession& operator=(const ChannelSession&) = delete;

  // As negotiated: "" when the client offered no sub-protocol.
  const std::string& protocol() const { return protocol_; }

  // Queues `data` (even empty: the message is the channel byte alone) on a
  // writable channel. Blocks for back-pressure. Throws StreamClosed when
  // the session has ended or the channel was closed.
  void write(std::uint8_t channel, std::string_view data);
  // No more writes on `channel`. Idempotent. Sends nothing (kubelet sends
  // nothing either); the last one closes the session after queued data.
  void close_output(std::uint8_t channel);

  // The next bytes the client sent on a readable channel (never ""), or
  // nullopt once the client closed it (v5) or the session ended cleanly.
  // Throws StreamClosed when the session ended with an error.
  std::optional<std::string> read(std::uint8_t channel);
  // Nobody will read `channel` again: what arrives on it is dropped.
  void release_input(std::uint8_t channel);

  // Closes now (1001 going away, `reason`), dropping queued output.
  void shutdown(std::string_view reason);
  // Blocks until the session has ended; returns why it ended.
  std::string wait_ended();

 private:
  enum class State { open, closing, ended };
  struct Inbound {
    std::deque<std::string> chunks;
    bool eof = false;       // v5 close signal
    bool released = false;  // nobody reads it
  };

  ChannelSession(int fd, const UpgradeRequest& request, std::string_view already_read,
                 std::span<const std::string_view> supported, ChannelLayout layout);
  void enqueue(std::uint8_t channel, std::string_view data);
  void resume_reading_if_paused(std::unique_lock<std::mutex>& lock);

  // Session thread only.
  void start_read();
  void on_read(boost::beast::error_code ec);
  void handle_message(std::string_view message);
  void pump_writes();
  void start_close(std::uint16_t code, std::string reason, bool clean);
  void end(bool clean, std::string reason);

  boost::asio::io_context io_;
  std::unique_ptr<WebSocketStream> ws_;
  std::string peer_;
  std::string protocol_;
  bool base64_ = false;
  bool close_signals_ = false;
  ChannelLayout layout_;

  // Session thread only.
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_;
  std::optional<boost::asio::steady_timer> close_deadline_;
  boost::beast::flat_buffer read_buffer_;
  OutgoingMessage in_flight_;
  bool reading_ = false;
  bool writing_ = false;
  bool close_started_ = false;

  std::mutex mutex_;
  std::condition_variable changed_;
  State state_ = State::open;
  bool clean_end_ = false;
  std::string end_reason_;
  std::vector<Inbound> inbound_;
  std::size_t inbound_bytes_ = 0;
  bool read_paused_ = false;
  std::deque<OutgoingMessage> outbound_;
  std::size_t outbound_bytes_ = 0;  // queued and in flight
  bool pump_scheduled_ = false;
  std::vector<bool> output_open_;
  std::size_t open_outputs_ = 0;
  bool close_when_drained_ = false;

  std::thread thread_;  // last: started when everything else exists
};

}  // namespace shim::streaming::websocket
