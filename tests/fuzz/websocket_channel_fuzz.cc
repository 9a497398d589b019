// Kubernetes' channel framing over WebSocket messages, as the channel
// session decodes each client message (decode_message; MalformedMessage is
// its documented failure). The first input byte picks the protocol family
// (binary or base64, with or without v5's close signal). A binary message
// that decodes must encode back to the same bytes; a base64 payload must
// survive encode then decode.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <variant>

#include "shim/streaming/websocket/channel_codec.h"
#include "tests/fuzz/fuzz_input.h"

namespace ws = shim::streaming::websocket;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::FuzzInput input(data, size);
  const std::uint8_t mode = input.byte();
  const bool base64 = mode & 1, close_signals = mode & 2;
  const std::string_view message = input.rest();
  try {
    const auto decoded = ws::decode_message(message, base64, close_signals);
    if (const auto* d = std::get_if<ws::ChannelData>(&decoded)) {
      const auto again = ws::encode_message(d->channel, d->data, base64);
      if (again.text != base64) std::abort();
      if (!base64 && again.payload != message) std::abort();
      const auto back = ws::decode_message(again.payload, base64, close_signals);
      const auto* b = std::get_if<ws::ChannelData>(&back);
      if (base64 && (b == nullptr || b->data != d->data)) std::abort();
    }
  } catch (const ws::MalformedMessage&) {
  }
  // Whatever the client sent, as a payload of ours it must round-trip.
  const auto out = ws::encode_message(mode, message, base64);
  const auto in = ws::decode_message(out.payload, base64, false);
  const auto* c = std::get_if<ws::ChannelData>(&in);
  if (c == nullptr || c->data != message) std::abort();
  return 0;
}
