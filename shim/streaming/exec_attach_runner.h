// Exec and attach behind a streaming session: what the streaming server
// runs after the protocol handshake, for CRI's Exec and Attach requests.
//
// Both block until the command or attach ends or the client goes away,
// then write the outcome on the error stream (command_status.h), close the
// client's output streams and return. They never throw: every failure is
// reported on the error stream (and logged), and a client that went away
// (StreamClosed) just ends the call.
//
// Threads: the calling thread copies output; stdin and resize are read on
// threads of their own that are joined before return. Those end when the
// client ends the stream or the session: kubectl and crictl close the
// connection as soon as they read the status, so the call returns at once;
// a client that keeps the session open keeps the call waiting, as it keeps
// the connection.
//
// A client that leaves while the process runs: as with kubelet and
// cri-dockerd, the process is not killed. The Docker connection is closed,
// so the process reads EOF on stdin, a TTY process gets SIGHUP, and writes
// to a closed pipe fail (SIGPIPE).
#pragma once

#include <string>
#include <vector>

#include "docker-client/client.h"
#include "shim/streaming/byte_streams.h"

namespace shim::streaming {

// CRI's ExecRequest (runtime.v1): the command and which streams it has.
struct ExecRequest {
  std::string container_id;
  std::vector<std::string> cmd;
  bool tty = false;
  bool stdin_ = false;
  bool stdout_ = false;
  bool stderr_ = false;  // ignored in TTY mode (stderr goes to stdout)
};

// CRI's AttachRequest. Whether the container has a TTY and keeps stdin open
// is the container's own setting (Docker's Tty, OpenStdin, StdinOnce), read
// at attach time; the request only says which streams the client wants.
struct AttachRequest {
  std::string container_id;
  bool tty = false;
  bool stdin_ = false;
  bool stdout_ = false;
  bool stderr_ = false;
};

// Runs `request.cmd` in the container through a Docker exec. Status: Success
// for exit code 0, NonZeroExitCode with the code otherwise, InternalError
// when it could not run. Resizes apply to the exec's TTY once it started
// (sizes sent earlier wait in the stream); without a TTY they are ignored.
void run_exec(docker::Client& docker, const ExecRequest& request, RemoteCommandStreams& streams);

// Attaches to the running container's stdio until the container exits or
// Docker ends the attach (stdin closed by the client: Docker closes the
// container's stdin with StdinOnce, and ends the attach otherwise).
// Status: Success, or InternalError ("error attaching to container: ...").
void run_attach(docker::Client& docker, const AttachRequest& request, RemoteCommandStreams& streams);

}  // namespace shim::streaming
