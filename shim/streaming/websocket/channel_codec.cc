#include "shim/streaming/websocket/channel_codec.h"

// Beast's base64 is an implementation detail of its handshake, but it is
// header-only, stable since 1.70, and saves a hand-written codec.
#include <boost/beast/core/detail/base64.hpp>

namespace shim::streaming::websocket {
namespace base64 = boost::beast::detail::base64;
namespace {

// Standard alphabet with padding, strictly, as Go's StdEncoding.Decode.
std::string decode_base64(std::string_view text, std::uint8_t channel) {
  const auto bad = [channel] {
    return MalformedMessage("invalid base64 payload on channel " + std::to_string(channel));
  };
  if (text.size() % 4 != 0) throw bad();
  std::size_t padding = 0;
  while (padding < 2 && padding < text.size() && text[text.size() - 1 - padding] == '=') ++padding;
  std::string out(base64::decoded_size(text.size()), '\0');
  const auto [written, consumed] = base64::decode(out.data(), text.data(), text.size());
  if (consumed != text.size() - padding) throw bad();
  out.resize(written);
  return out;
}

}  // namespace

OutgoingMessage encode_message(std::uint8_t channel, std::string_view data, bool base64_text) {
  OutgoingMessage message;
  message.text = base64_text;
  if (base64_text) {
    message.payload.resize(1 + base64::encoded_size(data.size()));
    message.payload[0] = static_cast<char>('0' + channel);
    const auto n = base64::encode(message.payload.data() + 1, data.data(), data.size());
    message.payload.resize(1 + n);
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
