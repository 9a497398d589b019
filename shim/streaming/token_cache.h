// Single-use tokens for streaming URLs, as kubelet's streaming server keeps
// them: a CRI Exec/Attach/PortForward call stores its request under a fresh
// random token; the client that opens the URL takes it out again. A token
// works once and for at most `ttl` (one minute); an unknown, used or
// expired one finds nothing, and the server answers 404 without running
// anything.
//
// Tokens: 16 bytes from getrandom(), base64url without padding (22
// characters): unguessable, and safe in a URL path.
//
// Thread-safe.
#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>

#include "shim/streaming/stream_request.h"

namespace shim::streaming {

// Too many URLs handed out and not yet used.
class TooManyPendingStreams : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class TokenCache {
 public:
  using Clock = std::chrono::steady_clock;

  explicit TokenCache(std::chrono::milliseconds ttl = std::chrono::minutes(1),
                      std::size_t max_pending = 1000)
      : ttl_(ttl), max_pending_(max_pending) {}

  // Stores `request`; returns its token. Expired entries are dropped first;
  // throws TooManyPendingStreams when max_pending are still waiting.
  std::string insert(StreamRequest request);

  // The request stored under `token`, removed; nullopt when unknown, used
  // or expired.
  std::optional<StreamRequest> consume(const std::string& token);

  std::size_t pending() const;

 private:
  struct Entry {
    StreamRequest request;
    Clock::time_point expires;
  };
  void drop_expired(Clock::time_point now);

  const std::chrono::milliseconds ttl_;
  const std::size_t max_pending_;
  mutable std::mutex mutex_;
  std::map<std::string, Entry> entries_;
};

// A fresh random token (exposed for tests).
std::string make_token();

}  // namespace shim::streaming
