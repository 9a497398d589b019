// What every CRI handler shares: the Docker call options derived from the
// gRPC call, and the translation of failures into gRPC status codes.
//
// A handler body runs inside run_call(): it throws CriError for its own
// verdicts (bad input, unknown object) and lets docker::DockerError through;
// run_call turns both into a grpc::Status whose message names the method and
// the cause, and logs it.
#pragma once

#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <utility>

#include <grpcpp/grpcpp.h>

#include "docker-client/call_options.h"
#include "docker-client/error.h"

namespace shim {

// A CRI-level failure with the gRPC code a client can act on.
class CriError : public std::runtime_error {
 public:
  CriError(grpc::StatusCode code, const std::string& message)
      : std::runtime_error(message), code_(code) {}
  grpc::StatusCode code() const { return code_; }

 private:
  grpc::StatusCode code_;
};

inline CriError invalid_argument(const std::string& message) {
  return CriError(grpc::StatusCode::INVALID_ARGUMENT, message);
}
inline CriError not_found(const std::string& message) {
  return CriError(grpc::StatusCode::NOT_FOUND, message);
}

// The client's deadline and cancellation, for the Docker calls of this RPC.
docker::CallOptions call_options(const grpc::ServerContext* context);

// Maps a Docker failure to the gRPC code a CRI client expects:
// unreachable dockerd -> UNAVAILABLE, 404 -> NOT_FOUND, 400 -> INVALID_ARGUMENT,
// 401 -> UNAUTHENTICATED, 403 -> PERMISSION_DENIED, 409 -> FAILED_PRECONDITION,
// deadline -> DEADLINE_EXCEEDED, cancel -> CANCELLED, anything else -> UNKNOWN.
grpc::StatusCode status_code_for(const docker::DockerError& error);

// Runs `body` (returning void), mapping exceptions to a status. `what`
// prefixes every error message, e.g. "PullImage busybox:latest".
grpc::Status run_call(const std::string& what, const std::string& docker_endpoint,
                      const std::function<void()>& body);

}  // namespace shim

namespace shim {
// For rollbacks and other work that must finish even when the client that
// caused it has gone: a fresh deadline, no cancellation.
docker::CallOptions cleanup_call_options();

// Now, in Unix nanoseconds (CRI's unit for every time).
std::int64_t unix_nanos_now();

// Now as Docker's `since` parameter wants it: Unix seconds with a fraction.
std::string docker_since_now();
// A Unix time in nanoseconds (a docker::Event's time_nano) in that form.
std::string docker_since(std::int64_t unix_nanos);
}  // namespace shim
