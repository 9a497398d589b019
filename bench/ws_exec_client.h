// The client side of an exec over WebSocket, as kubectl speaks it to the
// URL that CRI Exec returns: connect, upgrade offering v4.channel.k8s.io,
// then read binary channel messages ([channel byte][payload]) until the
// server closes the connection: stdout on channel 1, stderr on 2, and on
// channel 3 the metav1.Status JSON that says how the command ended. No
// stdin, no TTY. For the streaming benchmark; blocking, one thread per
// call.
//
// Errors: a URL that is not http://<ipv4>:<port>/<path>, a refused
// upgrade, a connection that breaks before the server's close frame:
// std::runtime_error (or boost::system::system_error from the socket).
#pragma once

#include <cstdint>
#include <string>

namespace bench {

struct ExecResult {
  std::uint64_t stdout_bytes = 0;
  std::uint64_t stderr_bytes = 0;
  // The first `keep` bytes of each stream (the caller's choice: a large
  // transfer is counted, not stored).
  std::string stdout_head, stderr_head;
  std::string status;    // channel 3, whole: {"metadata":{},"status":"Success"}
  std::string protocol;  // as negotiated
};

ExecResult run_exec_over_websocket(const std::string& url, std::size_t keep);

// True when `status` (channel 3) is v4's Success.
bool status_is_success(const std::string& status);

// The parts of a streaming server URL, http://<numeric address>:<port><target>.
// Throws std::runtime_error for anything else.
struct ExecUrl {
  std::string host;
  std::uint16_t port = 0;
  std::string target;
};
ExecUrl parse_exec_url(const std::string& url);

}  // namespace bench
