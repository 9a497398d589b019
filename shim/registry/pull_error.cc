#include "shim/registry/pull_error.h"

#include <algorithm>
#include <cctype>

namespace shim {
namespace {

bool contains(const std::string& haystack, const char* needle) {
  return haystack.find(needle) != std::string::npos;
}

}  // namespace

grpc::StatusCode classify_pull_error(const std::string& docker_message, int http_status,
                                     bool had_credentials) {
  std::string text = docker_message;
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });

  // Authentication first: Docker Hub answers "pull access denied ...
  // repository does not exist or may require 'docker login'" for both.
  const bool auth_failed = contains(text, "unauthorized") ||
                           contains(text, "authentication required") ||
                           contains(text, "no basic auth credentials") ||
                           contains(text, "incorrect username or password") ||
                           http_status == 401;
  if (auth_failed) return grpc::StatusCode::UNAUTHENTICATED;
  const bool denied = contains(text, "denied") || http_status == 403;
  if (denied && had_credentials) return grpc::StatusCode::PERMISSION_DENIED;

  const bool missing = contains(text, "manifest unknown") || contains(text, "not found") ||
                       contains(text, "does not exist") || contains(text, "name unknown") ||
                       http_status == 404;
  if (missing) return grpc::StatusCode::NOT_FOUND;
  if (denied) return grpc::StatusCode::UNAUTHENTICATED;

  if (contains(text, "connection refused") || contains(text, "no such host") ||
      contains(text, "i/o timeout") || contains(text, "tls handshake timeout") ||
      http_status == 502 || http_status == 503 || http_status == 504)
    return grpc::StatusCode::UNAVAILABLE;
  if (contains(text, "invalid reference format") || http_status == 400)
    return grpc::StatusCode::INVALID_ARGUMENT;
  return grpc::StatusCode::UNKNOWN;
}

}  // namespace shim
