#include "shim/server/call.h"

#include <chrono>
#include <cstdio>

#include <spdlog/spdlog.h>

#include "common/grpc_code_name.h"
#include "common/logging.h"

namespace shim {

docker::CallOptions call_options(const grpc::ServerContext* context) {
  docker::CallOptions options;
  if (context == nullptr) return options;
  // gRPC keeps the deadline on the system clock; the client waits on the
  // steady one. An "infinite" deadline stays infinite.
  const auto deadline = context->deadline();
  if (deadline != std::chrono::system_clock::time_point::max()) {
    const auto remaining = deadline - std::chrono::system_clock::now();
    options.deadline = docker::CallOptions::Clock::now() +
                       std::chrono::duration_cast<docker::CallOptions::Clock::duration>(remaining);
  }
  options.cancelled = [context] { return context->IsCancelled(); };
  return options;
}

grpc::StatusCode status_code_for(const docker::DockerError& error) {
  using Kind = docker::DockerError::Kind;
  switch (error.kind()) {
    case Kind::Unavailable: return grpc::StatusCode::UNAVAILABLE;
    case Kind::DeadlineExceeded: return grpc::StatusCode::DEADLINE_EXCEEDED;
    case Kind::Cancelled: return grpc::StatusCode::CANCELLED;
    case Kind::Protocol: return grpc::StatusCode::INTERNAL;
    case Kind::Stream: return grpc::StatusCode::UNKNOWN;
    case Kind::Http: break;
  }
  switch (error.http_status()) {
    case 400: return grpc::StatusCode::INVALID_ARGUMENT;
    case 401: return grpc::StatusCode::UNAUTHENTICATED;
    case 403: return grpc::StatusCode::PERMISSION_DENIED;
    case 404: return grpc::StatusCode::NOT_FOUND;
    case 409: return grpc::StatusCode::FAILED_PRECONDITION;
    case 503: return grpc::StatusCode::UNAVAILABLE;
    default: return grpc::StatusCode::UNKNOWN;
  }
}

namespace {

// The failure's line, with its code as a field (the call's subjects come
// from the RPC observer's scope).
void log_failure(spdlog::level::level_enum level, grpc::StatusCode code, const std::string& message) {
  common::log_with_fields(level, {{"code", common::grpc_code_name(code)}}, message);
}

}  // namespace

grpc::Status run_call(const std::string& what, const std::string& docker_endpoint,
                      const std::function<void()>& body) {
  try {
    body();
    return grpc::Status::OK;
  } catch (const CriError& e) {
    log_failure(spdlog::level::info, e.code(), what + " failed: " + e.what());
    return grpc::Status(e.code(), what + ": " + e.what());
  } catch (const docker::DockerError& e) {
    const auto code = status_code_for(e);
    std::string message = what + ": " + e.message();
    if (code == grpc::StatusCode::UNAVAILABLE && message.find(docker_endpoint) == std::string::npos)
      message += " (dockerd at " + docker_endpoint + ")";
    log_failure(spdlog::level::warn, code, what + " failed: " + e.message());
    return grpc::Status(code, message);
  } catch (const std::exception& e) {
    log_failure(spdlog::level::err, grpc::StatusCode::INTERNAL, what + ": internal error: " + e.what());
    return grpc::Status(grpc::StatusCode::INTERNAL, what + ": internal error: " + e.what());
  }
}

}  // namespace shim

namespace shim {
docker::CallOptions cleanup_call_options() {
  return docker::CallOptions::with_timeout(std::chrono::seconds(60));
}

std::int64_t unix_nanos_now() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string docker_since_now() { return docker_since(unix_nanos_now()); }

std::string docker_since(std::int64_t nanos) {
  char text[40];
  std::snprintf(text, sizeof text, "%lld.%09lld", static_cast<long long>(nanos / 1'000'000'000),
                static_cast<long long>(nanos % 1'000'000'000));
  return text;
}
}  // namespace shim
