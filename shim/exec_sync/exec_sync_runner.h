// One ExecSync against Docker: the command runs in the container through a
// Docker exec on a hijacked connection, and the call returns once it ended,
// with its stdout, stderr (bounded: exec/exec_output.h) and exit code
// exactly as the process made them.
//
// Nothing of it outlives a failed call: when the deadline passes (the
// request's timeout or the client's own), the client cancels, or the stream
// breaks, the exec's processes are killed (exec/exec_process_killer.h)
// before the error is thrown.
//
// Errors (CriError, server/call.h): NOT_FOUND (the container is gone),
// FAILED_PRECONDITION (it is not running, or paused), DEADLINE_EXCEEDED
// (timed out; processes killed), CANCELLED, RESOURCE_EXHAUSTED (the output
// does not fit a CRI reply); other Docker failures as docker::DockerError.
//
// Thread-safe: blocks the calling thread only.
#pragma once

#include <string>
#include <vector>

#include "docker-client/client.h"

namespace shim::exec {

struct ExecSyncRequest {
  std::string container_id;  // full ID of a container (not a sandbox)
  std::vector<std::string> cmd;
  int timeout_seconds = 0;  // 0: none
};

struct ExecSyncResult {
  std::string out, err;
  int exit_code = 0;
};

// `options` carries the client's deadline and cancellation; the request's
// timeout is applied on top.
ExecSyncResult run_exec_sync(docker::Client& docker, const ExecSyncRequest& request,
                             const docker::CallOptions& options);

}  // namespace shim::exec
