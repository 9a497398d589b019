#include "shim/streaming/token_cache.h"

#include <sys/random.h>

#include <array>
#include <cerrno>
#include <system_error>

#include "common/base64.h"

namespace shim::streaming {

std::string make_token() {
  std::array<unsigned char, 16> bytes{};
  std::size_t got = 0;
  while (got < bytes.size()) {
    const ssize_t n = getrandom(bytes.data() + got, bytes.size() - got, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw std::system_error(errno, std::generic_category(), "getrandom");
    }
    got += static_cast<std::size_t>(n);
  }
  return common::base64_encode(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()),
                               common::Base64Alphabet::kUrl, /*padded=*/false);
}

void TokenCache::drop_expired(Clock::time_point now) {
  for (auto it = entries_.begin(); it != entries_.end();) {
    if (it->second.expires <= now) it = entries_.erase(it);
    else ++it;
  }
}

std::string TokenCache::insert(StreamRequest request) {
  const auto now = Clock::now();
  std::lock_guard lock(mutex_);
  drop_expired(now);
  if (entries_.size() >= max_pending_)
    throw TooManyPendingStreams("too many streaming requests are waiting for their client (" +
                                std::to_string(max_pending_) + "); try again shortly");
  for (;;) {
    std::string token = make_token();
    if (entries_.emplace(token, Entry{std::move(request), now + ttl_}).second) return token;
  }
}

std::optional<StreamRequest> TokenCache::consume(const std::string& token) {
  std::lock_guard lock(mutex_);
  const auto it = entries_.find(token);
  if (it == entries_.end()) return std::nullopt;
  Entry entry = std::move(it->second);
  entries_.erase(it);
  if (entry.expires <= Clock::now()) return std::nullopt;
  return std::move(entry.request);
}

std::size_t TokenCache::pending() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

}  // namespace shim::streaming
