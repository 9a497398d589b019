// The query of a streaming URL: query_values (percent-decoding, never
// fails) and the WebSocket port-forward's ports
// (port_forward_ports_from_query, std::invalid_argument with kubelet's
// message when a port does not parse). The input is "<key>\n<target>", or
// a target alone.
#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <string>

#include "shim/streaming/websocket/port_forward_channels.h"
#include "shim/streaming/websocket/query.h"

namespace ws = shim::streaming::websocket;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::string_view key = "command";
  if (const auto nl = text.find('\n'); nl != std::string_view::npos) {
    key = text.substr(0, nl);
    text.remove_prefix(nl + 1);
  }
  const auto values = ws::query_values(text, key);
  // One value per '&'-separated pair at most.
  std::size_t pairs = 1;
  for (char c : text) pairs += c == '&';
  if (values.size() > pairs) std::abort();
  for (const char* known : {"command", "container", "stdin", "stdout", "stderr", "tty", "input", "output"})
    (void)ws::query_values(text, known);
  try {
    for (const auto port : ws::port_forward_ports_from_query(text))
      if (port == 0) std::abort();
  } catch (const std::invalid_argument&) {
  }
  return 0;
}
