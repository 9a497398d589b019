// The client side of an exec over SPDY/3.1, as kubectl's SPDY executor
// speaks it to the URL that CRI Exec returns: POST with "Upgrade:
// SPDY/3.1" and "X-Stream-Protocol-Version: v4.channel.k8s.io", then one
// SYN_STREAM per stream (streamtype error, stdout, stderr), the server's
// DATA read until each stream ends, WINDOW_UPDATEs sent as data is
// consumed (per stream and for the session), pings answered. No stdin, no
// TTY. Built on the server's own codec (shim/streaming/spdy/frames.h,
// header_compression.h), so it proves speed, not interoperability.
// Blocking, one thread per call.
//
// Errors: a URL that is not http://<ipv4>:<port>/<path>, a refused
// upgrade, a reset stream, GOAWAY or a connection that ends before every
// stream did: std::runtime_error.
#pragma once

#include <string>

#include "bench/ws_exec_client.h"

namespace bench {

// Fills the same result as the WebSocket client (protocol: as the server's
// X-Stream-Protocol-Version answered).
ExecResult run_exec_over_spdy(const std::string& url, std::size_t keep);

}  // namespace bench
