// Docker reports pull failures as free text (an HTTP error or an error line
// in the progress stream). CRI clients need a code they can act on: kubelet
// shows ErrImagePull either way, but NOT_FOUND vs UNAUTHENTICATED tells a
// user whether to fix the name or the pull secret.
#pragma once

#include <string>

#include <grpcpp/grpcpp.h>

namespace shim {

// The gRPC code for a failed pull, from Docker's message, its HTTP status
// (0 when the error came inside the progress stream) and whether the
// request carried credentials.
grpc::StatusCode classify_pull_error(const std::string& docker_message, int http_status,
                                     bool had_credentials);

}  // namespace shim
