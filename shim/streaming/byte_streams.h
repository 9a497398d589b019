// The seam between the streaming protocols (SPDY/3.1 in spdy/, WebSocket in
// websocket/) and what runs behind them (remote_command: Docker exec and
// attach; port_forward: a TCP connection inside the pod's network
// namespace). A protocol turns its session into these objects; the runner
// never knows which protocol carries them.
//
// Threads: every call blocks. One thread may read an InputStream while other
// threads write OutputStreams of the same session; one OutputStream is
// written by one thread at a time. Any call may throw StreamClosed once the
// session is gone (peer closed, protocol error, server shutdown).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace shim::streaming {

// The session or stream ended under the caller (peer went away, reset,
// protocol error). The runner stops what it runs and lets go.
class StreamClosed : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Bytes from the client (stdin, resize, port-forward data).
class InputStream {
 public:
  virtual ~InputStream() = default;
  // Blocks until bytes arrive; nullopt at end of stream (the client
  // half-closed it, or the session ended cleanly). Never returns "".
  virtual std::optional<std::string> read() = 0;
};

// Bytes to the client (stdout, stderr, error, port-forward data).
class OutputStream {
 public:
  virtual ~OutputStream() = default;
  // Blocks while flow control holds it back (SPDY windows, socket
  // buffers). Throws StreamClosed when the stream or session is gone.
  virtual void write(std::string_view data) = 0;
  // Half-close: the client reads end of stream. Idempotent; never throws.
  virtual void close() = 0;
};

// Kubernetes' remote command streams, as a protocol negotiated them.
// Absent streams are null: the client did not ask for them (stdin=0 ...)
// or the sub-protocol has none (resize before v3, error before v2).
struct RemoteCommandStreams {
  // The negotiated sub-protocol: "v5.channel.k8s.io", "v4.channel.k8s.io",
  // "v3.channel.k8s.io", "v2.channel.k8s.io" or "channel.k8s.io". It
  // decides how the error stream is written (v4+: a JSON metav1.Status).
  std::string protocol;
  std::unique_ptr<InputStream> stdin_stream;
  std::unique_ptr<OutputStream> stdout_stream;
  std::unique_ptr<OutputStream> stderr_stream;  // null in TTY mode
  std::unique_ptr<OutputStream> error_stream;
  // Terminal size changes: a sequence of JSON objects {"Width":w,"Height":h}
  // (as the client sends them; remote_command decodes them).
  std::unique_ptr<InputStream> resize_stream;
  bool tty = false;
};

// One forwarded connection: bytes both ways to `port` inside the pod, and
// an error stream that carries a text message when connecting or copying
// fails (then it is closed; the data stream too).
struct PortForwardConnection {
  std::uint16_t port = 0;
  std::unique_ptr<InputStream> data_in;
  std::unique_ptr<OutputStream> data_out;
  std::unique_ptr<OutputStream> error_out;
};

// The connections of one port-forward session. SPDY makes one per stream
// pair the client opens (any number, any time); WebSocket one per port
// named in the URL, all at once.
class PortForwardSession {
 public:
  virtual ~PortForwardSession() = default;
  // Blocks until the client opens the next connection; nullopt when the
  // session ended (no more will come).
  virtual std::optional<PortForwardConnection> accept() = 0;
};

}  // namespace shim::streaming
