// Docker's event stream (GET /events) as Client::events reads it: bytes in
// socket-sized pieces, cut into lines by LineSplitter, each line parsed
// without exceptions (a line that is not JSON is skipped) and mapped into an
// Event. Nothing here may throw: the event watch of the shim's container
// store lives on this path.
#include <cstdint>
#include <string_view>

#include <nlohmann/json.hpp>

#include "docker-client/encoding.h"
#include "docker-client/json_mapping.h"
#include "docker-client/types.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::FuzzInput input(data, size);
  const std::uint8_t cut = input.byte();
  docker::detail::LineSplitter lines;
  std::size_t events = 0;
  auto on_line = [&](std::string_view text) {
    auto j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded()) return true;
    const auto event = docker::detail::take<docker::Event>(std::move(j));
    events += event.id.size() + event.attributes.size();
    return true;
  };
  fuzz::feed_in_pieces(input.rest(), cut, [&](std::string_view piece) { lines.feed(piece.data(), piece.size(), on_line); });
  lines.finish(on_line);
  return events == static_cast<std::size_t>(-1);
}
