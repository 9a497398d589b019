#include "shim/streaming/websocket/channel_codec.h"

#include "common/base64.h"

namespace shim::streaming::websocket {
namespace {

// Standard alphabet with padding, strictly, as Go's StdEncoding.Decode.
std::string decode_base64(std::string_view text, std::uint8_t channel) {
  auto decoded = common::base64_decode_standard(text);
  if (!decoded) throw MalformedMessage("invalid base64 payload on channel " + std::to_string(channel));
  return std::move(*decoded);
}

}  // namespace

OutgoingMessage encode_message(std::uint8_t channel, std::string_view data, bool base64_text) {
  OutgoingMessage message;
  message.text = base64_text;
  if (base64_text) {
    message.payload = static_cast<char>('0' + channel) + common::base64_encode(data);
  } else {
    message.payload.reserve(1 + data.size());
    message.payload.push_back(static_cast<char>(channel));
    message.payload.append(data);
  }
  return message;
}

IncomingMessage decode_message(std::string_view message, bool base64_text, bool close_signals) {
  if (message.empty()) return EmptyMessage{};
  const auto first = static_cast<std::uint8_t>(message[0]);
  if (close_signals && !base64_text && first == kCloseSignal) {
    if (message.size() != 2) {
      throw MalformedMessage("close signal of " + std::to_string(message.size()) +
                             " bytes, expected [255, channel]");
    }
    return ChannelClosed{static_cast<std::uint8_t>(message[1])};
  }
  if (!base64_text) return ChannelData{first, std::string(message.substr(1))};
  const auto channel = static_cast<std::uint8_t>(first - '0');
  return ChannelData{channel, decode_base64(message.substr(1), channel)};
}

}  // namespace shim::streaming::websocket
