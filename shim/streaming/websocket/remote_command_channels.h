// Exec and attach over WebSocket, as kubelet's streaming server serves them
// (remotecommand/websocket.go): channels 0 stdin, 1 stdout, 2 stderr,
// 3 error, 4 resize, in every protocol version.
#pragma once

#include <string_view>

#include "shim/streaming/byte_streams.h"
#include "shim/streaming/websocket/protocols.h"

namespace shim::streaming::websocket {

// Which streams the client asked for (CRI's ExecRequest/AttachRequest, or
// the URL's ?stdin=1&stdout=1&stderr=1&tty=1).
struct RemoteCommandOptions {
  bool stdin = false;
  bool stdout = false;
  bool stderr = false;
  bool tty = false;
};

// Takes `fd` (a connected TCP socket) whose upgrade `request` was read,
// with `already_read` the bytes read past it; answers the WebSocket
// handshake with one of remote_command_protocols() (the client's first
// choice that is supported) and returns the streams:
//   stdin_stream when options.stdin; stdout_stream when options.stdout;
//   stderr_stream when options.stderr and not tty (TTY merges stderr);
//   error_stream always; resize_stream when tty.
// protocol is the version (remote_command_version()), never a base64 name.
// As kubelet does, an empty message goes at once on the first of stdout,
// stderr, error that exists, to tell the client the streams are open.
// Client data on a stream it did not ask for is dropped; a channel above 4
// closes the session. Once stdout, stderr and error are closed (or
// destroyed) the WebSocket is closed. Throws HandshakeError (after an HTTP
// 400 when the request is not acceptable); the fd is closed then.
RemoteCommandStreams accept_remote_command(int fd, const UpgradeRequest& request,
                                           std::string_view already_read,
                                           const RemoteCommandOptions& options);

}  // namespace shim::streaming::websocket
