// Kubernetes remote command (exec, attach) over a SPDY session: waits for
// the streams the client creates, told apart by their "streamtype" header
// (stdin, stdout, stderr, error, resize), as kubelet's streaming server
// does (pkg/kubelet/cri/streaming/remotecommand/httpstream.go):
//   - the error stream is always expected;
//   - stdin, stdout, stderr when the request asked for them, but never
//     stderr with a TTY (kubelet drops it: TTY merges it into stdout);
//   - resize when a TTY is asked for and the protocol has it (v3 and
//     later);
//   - "channel.k8s.io" (v1, also what an empty protocol means): the error
//     stream is reset once the streams are there and stdin is half-closed
//     from our side, as kubelet 1.0 did; so error_stream is null.
// A stream of another or an unexpected type, or a second one of a type,
// is left alone (kubelet logs and ignores it); its data is discarded.
//
// Threads: blocks the caller; uses the session from this thread only
// (next_stream), so run one adapter per session.
#pragma once

#include <chrono>
#include <stdexcept>
#include <string_view>

#include "shim/streaming/byte_streams.h"
#include "shim/streaming/spdy/session.h"

namespace shim::streaming::spdy {

// What the request's query asked for (kubelet's stdin/stdout/stderr/tty).
struct RemoteCommandRequest {
  bool want_stdin = false;
  bool want_stdout = false;
  bool want_stderr = false;
  bool tty = false;
};

// The client did not create the expected streams in time. what() names
// the ones missing.
class StreamCreationTimeout : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Waits up to `timeout` for the expected streams. RemoteCommandStreams::
// protocol is the one given ("" becomes "channel.k8s.io"). Throws
// std::invalid_argument for an unknown protocol, StreamCreationTimeout,
// or StreamClosed when the session ends first.
RemoteCommandStreams accept_remote_command(Session& session, std::string_view protocol,
                                           RemoteCommandRequest request,
                                           std::chrono::milliseconds timeout);

}  // namespace shim::streaming::spdy
