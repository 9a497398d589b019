// byte_streams.h's InputStream and OutputStream over one channel of a
// ChannelSession. Each holds the session: it lives while any stream does.
// Threads and errors as byte_streams.h says (ChannelSession does the work).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "shim/streaming/byte_streams.h"
#include "shim/streaming/websocket/channel_session.h"

namespace shim::streaming::websocket {

class ChannelInput final : public InputStream {
 public:
  ChannelInput(std::shared_ptr<ChannelSession> session, std::uint8_t channel)
      : session_(std::move(session)), channel_(channel) {}
  // What arrives later on the channel is dropped: nobody would read it and
  // it would hold the session's reading back.
  ~ChannelInput() override { session_->release_input(channel_); }
  std::optional<std::string> read() override { return session_->read(channel_); }

 private:
  std::shared_ptr<ChannelSession> session_;
  std::uint8_t channel_;
};

class ChannelOutput final : public OutputStream {
 public:
  ChannelOutput(std::shared_ptr<ChannelSession> session, std::uint8_t channel)
      : session_(std::move(session)), channel_(channel) {}
  ~ChannelOutput() override { close(); }
  void write(std::string_view data) override { session_->write(channel_, data); }
  void close() override { session_->close_output(channel_); }

 private:
  std::shared_ptr<ChannelSession> session_;
  std::uint8_t channel_;
};

}  // namespace shim::streaming::websocket
