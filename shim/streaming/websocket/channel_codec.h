// Kubernetes' channel framing over WebSocket messages (wsstream):
//   binary protocols: a binary message [channel byte][payload bytes];
//   base64 protocols: a text message ['0'+channel][base64(payload)];
//   v5 adds the client's close signal, the binary message [255, channel]:
//   the client will send nothing more on that channel (stdin EOF).
// Pure functions, no threads.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>

namespace shim::streaming::websocket {

inline constexpr std::uint8_t kCloseSignal = 255;

// Channel numbers of the remote command protocols.
enum RemoteCommandChannel : std::uint8_t {
  kStdinChannel = 0,
  kStdoutChannel = 1,
  kStderrChannel = 2,
  kErrorChannel = 3,
  kResizeChannel = 4,
};

struct OutgoingMessage {
  std::string payload;
  bool text = false;  // base64 protocols send text messages
};

OutgoingMessage encode_message(std::uint8_t channel, std::string_view data, bool base64);

// One message from the client, decoded.
struct ChannelData {
  std::uint8_t channel = 0;
  std::string data;  // may be empty
};
struct ChannelClosed {
  std::uint8_t channel = 0;
};
struct EmptyMessage {};  // no channel byte at all; kubelet skips these
using IncomingMessage = std::variant<EmptyMessage, ChannelData, ChannelClosed>;

// The message breaks the framing (bad base64, a close signal of the wrong
// length). The session closes with what() as its reason.
class MalformedMessage : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Decodes one client message. Whether the channel exists is the caller's
// to check: a base64 channel character below '0' decodes to a large number.
// Throws MalformedMessage.
IncomingMessage decode_message(std::string_view message, bool base64, bool close_signals);

}  // namespace shim::streaming::websocket
