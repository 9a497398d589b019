// The plain-HTTP part of a streaming connection: reading the client's
// request (the upgrade request of SPDY or WebSocket) from a raw socket, and
// answering the ones that are refused. Blocking, with a deadline; no
// threads of its own.
#pragma once

#include <chrono>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "shim/streaming/websocket/protocols.h"  // UpgradeRequest

namespace shim::streaming {

// The request could not be read: malformed, too large, or not in time.
class BadHttpRequest : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct IncomingRequest {
  websocket::UpgradeRequest request;
  std::string already_read;  // bytes the client sent behind the request
};

// Reads one request (head at most 16 KiB, body at most 64 KiB) from the
// socket `fd` (blocking or not) within `timeout`. Throws BadHttpRequest.
IncomingRequest read_http_request(int fd, std::chrono::milliseconds timeout);

// Writes a complete response with a body of `content_type` (text/plain by
// default) and Connection: close. Errors are ignored (the client may be
// gone); never throws.
void write_http_response(int fd, unsigned status, std::string_view body,
                         const std::vector<std::pair<std::string, std::string>>& headers = {},
                         std::string_view content_type = "text/plain; charset=utf-8");

// Writes "101 Switching Protocols" for `upgrade` (e.g. "SPDY/3.1") with
// `headers`. Returns false when the socket failed.
bool write_switching_protocols(int fd, std::string_view upgrade,
                               const std::vector<std::pair<std::string, std::string>>& headers);

// Every value of header `name` in `request`, comma-separated lists split
// and trimmed, in order.
std::vector<std::string> header_values(const websocket::UpgradeRequest& request,
                                       std::string_view name);

}  // namespace shim::streaming
