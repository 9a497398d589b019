// The event stream.
#include "docker-client/client.h"
#include "docker-client/client_internal.h"
#include "docker-client/encoding.h"
#include "docker-client/json_mapping.h"

namespace docker {

using namespace detail;
using nlohmann::json;

void Client::events(const EventOptions& events, const std::function<bool(const Event&)>& sink,
                    const CallOptions& options) {
  Query q;
  q.add_nonempty("since", events.since).add_nonempty("until", events.until);
  if (!events.filters.empty()) q.add("filters", encode_filters(events.filters));
  LineSplitter lines;
  bool stopped = false;
  auto on_line = [&](std::string_view text) {
    json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded()) return true;
    if (!sink(take<Event>(std::move(j)))) stopped = true;
    return !stopped;
  };
  Response r;
  try {
    r = transport_->stream(make_request(verb::get, path("/events" + q.str(), options)), {},
                           [&](const char* d, std::size_t n) { return lines.feed(d, n, on_line); },
                           options);
  } catch (const DockerError& e) {
    // The caller's own deadline or cancellation ends a watch normally.
    if (e.kind() == DockerError::Kind::DeadlineExceeded ||
        e.kind() == DockerError::Kind::Cancelled)
      return;
    throw;
  }
  expect_ok(r);
  if (stopped) return;
  lines.finish(on_line);
  // Without `until`, dockerd only ends the stream when it shuts down.
  if (events.until.empty() && !stopped)
    throw DockerError(DockerError::Kind::Unavailable, 0,
                      "dockerd at " + endpoint().to_string() + " closed the event stream");
}

}  // namespace docker
