// The server side of one SPDY/3.1 connection, after the HTTP upgrade's
// 101 reply: it owns the socket, demultiplexes the client's streams and
// turns each into the byte streams of shim/streaming/byte_streams.h.
//
// What it does for the client:
//   - every SYN_STREAM the client sends (odd IDs, increasing) is answered at
//     once with SYN_REPLY (":status: 200", ":version: HTTP/1.1", which
//     spdystream ignores and spdy-transport requires) and announced to
//     next_stream() with its headers (streamtype, port, requestid, ...);
//   - PINGs are echoed; RST_STREAM ends that stream; GOAWAY, end of file or
//     a socket error end the session;
//   - malformed input: GOAWAY(PROTOCOL_ERROR) and the session ends, or
//     RST_STREAM when only one stream is at fault. Nothing else is touched.
//
// Flow control (SPDY/3.1: a window per stream and one per session, 64 KiB
// at first, SETTINGS_INITIAL_WINDOW_SIZE sets the stream windows):
//   - Receiving: data is credited back with WINDOW_UPDATE as the stream's
//     reader consumes it (the session window as soon as it arrives, so one
//     slow reader never stalls the other streams).
//   - Sending: moby/spdystream (the SPDY library of kubectl, crictl and
//     client-go) never sends WINDOW_UPDATE or SETTINGS (its framer can
//     encode them, its connection never does) and drops the ones it
//     receives as "unhandled frame type"; it neither honours nor grants
//     windows and relies on TCP. A sender that waited for windows would
//     stall after 64 KiB forever with it. Node's spdy-transport, on the
//     other hand, opens every connection with SETTINGS and a session
//     WINDOW_UPDATE, before its first SYN_STREAM, and honours windows both
//     ways. So windows are always counted, but writes wait for them only
//     once the peer has sent a WINDOW_UPDATE or a SETTINGS with
//     INITIAL_WINDOW_SIZE; likewise only such a peer is held to our
//     receive windows (RST_STREAM(FLOW_CONTROL_ERROR) beyond them). From a
//     peer that ignores windows a stream buffers at most
//     max_buffered_input bytes; beyond that the reader thread waits for the
//     stream's consumer (TCP then pushes back), as spdystream itself does.
//
// Threads: a reader thread (parses, answers control frames, never blocks
// on the socket's send side) and a writer thread (the only one that writes
// the socket; frames from all threads are queued and written in order).
// Every public call is thread-safe. InputStream/OutputStream objects may
// outlive the Session: once it is gone they end (read: nullopt, write:
// StreamClosed).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "shim/streaming/byte_streams.h"
#include "shim/streaming/spdy/frames.h"
#include "shim/streaming/spdy/header_block.h"

namespace shim::streaming::spdy {

struct SessionOptions {
  // Largest decompressed header block; above it the session ends.
  std::size_t max_header_block = 256 * 1024;
  // Streams open at once; SYN_STREAMs beyond get RST_STREAM(REFUSED_STREAM).
  std::size_t max_streams = 1000;
  // Payload of the DATA frames this side sends.
  std::size_t max_data_frame = 32 * 1024;
  // Bytes a stream buffers for its reader when the peer ignores windows.
  std::size_t max_buffered_input = 1024 * 1024;
  // DATA bytes queued for the socket before OutputStream::write waits.
  std::size_t max_queued_output = 512 * 1024;
  // Control bytes queued (PING answers, WINDOW_UPDATEs, ...); beyond it the
  // peer is not reading what it asks for and the session ends.
  std::size_t max_queued_control = 1024 * 1024;
  // How long the destructor lets queued frames drain and waits for the
  // peer to close its end after GOAWAY before cutting the connection.
  std::chrono::milliseconds linger{2000};
};

namespace detail {
struct SessionCore;
struct StreamState;
}  // namespace detail

// One stream the client opened (already answered with SYN_REPLY).
class Stream {
 public:
  ~Stream();
  Stream(const Stream&) = delete;
  Stream& operator=(const Stream&) = delete;

  std::uint32_t id() const;
  const Headers& headers() const;
  // First value of a header (lower-case names), nullopt when absent.
  std::optional<std::string> header(std::string_view name) const;

  // The client's data on this stream; null after the first call. When no
  // one takes it (or its object is destroyed), the client's data on this
  // stream is discarded as it arrives.
  std::unique_ptr<InputStream> take_input();
  // Data to the client; close() sends FIN. Null after the first call.
  std::unique_ptr<OutputStream> take_output();
  // RST_STREAM: both directions end at once (reads: nullopt, writes:
  // StreamClosed). Idempotent; never throws.
  void reset(RstStatus status = RstStatus::kCancel);

 private:
  friend class Session;
  Stream(std::shared_ptr<detail::SessionCore> core, std::shared_ptr<detail::StreamState> state);
  std::shared_ptr<detail::SessionCore> core_;
  std::shared_ptr<detail::StreamState> state_;
};

class Session {
 public:
  using Clock = std::chrono::steady_clock;

  // Takes ownership of `fd`, a connected stream socket whose HTTP upgrade
  // is complete; `already_read` holds bytes the HTTP layer read past the
  // request (the start of the first frames). Starts both threads.
  explicit Session(int fd, std::string_view already_read = {}, SessionOptions options = {});
  // close(), lets the connection drain for at most options.linger, then
  // shuts the socket down, joins the threads and closes the fd.
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // The next stream the client opened, in the order opened. Null when the
  // session has ended (see ended()) or the deadline passed first.
  std::unique_ptr<Stream> next_stream(Clock::time_point deadline = Clock::time_point::max());

  // Ends the session from this side: frames already queued (data, FINs)
  // are sent, then GOAWAY(OK). Streams end at once. Idempotent.
  void close();

  bool ended() const;
  // Why it ended ("peer closed the connection", "protocol error: ...",
  // "closed by the server", ...); empty while it runs.
  std::string end_reason() const;

 private:
  std::shared_ptr<detail::SessionCore> core_;
};

}  // namespace shim::streaming::spdy
