#include "agent/flowcontrol/backoff.h"

namespace agent::flowcontrol {

namespace {
int64_t ns(std::chrono::milliseconds ms) { return std::chrono::duration_cast<std::chrono::nanoseconds>(ms).count(); }
}  // namespace

Backoff::Backoff(std::chrono::milliseconds initial, std::chrono::milliseconds max, std::chrono::milliseconds reset)
    : initial_(initial), max_(max), reset_ns_(ns(reset)) {}

Backoff::Nanos Backoff::now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

bool Backoff::expired(const Entry& entry, Nanos event_time) const {
  return event_time - entry.last_update_ns > reset_ns_;
}

bool Backoff::in_backoff_since(const std::string& key, Nanos event_time, Nanos now) const {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(key);
  if (it == entries_.end() || expired(it->second, event_time)) return false;
  return now - event_time < it->second.backoff.delay().count();
}

std::chrono::milliseconds Backoff::remaining_since_update(const std::string& key, Nanos now) const {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(key);
  if (it == entries_.end() || expired(it->second, now)) return std::chrono::milliseconds(0);
  const Nanos left = it->second.last_update_ns + it->second.backoff.delay().count() - now;
  return left > 0 ? std::chrono::ceil<std::chrono::milliseconds>(std::chrono::nanoseconds(left))
                  : std::chrono::milliseconds(0);
}

std::chrono::milliseconds Backoff::delay(const std::string& key) const {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(key);
  if (it == entries_.end()) return std::chrono::milliseconds(0);
  return std::chrono::duration_cast<std::chrono::milliseconds>(it->second.backoff.delay());
}

void Backoff::next(const std::string& key, Nanos event_time, Nanos now) {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(key);
  if (it == entries_.end() || expired(it->second, event_time)) {
    entries_.insert_or_assign(key, Entry{fresh(), now});
    return;
  }
  it->second.backoff.grow();
  it->second.last_update_ns = now;
}

void Backoff::seed(const std::string& key, unsigned doublings, Nanos at) {
  std::lock_guard lock(mutex_);
  if (entries_.count(key)) return;
  Entry entry{fresh(), at};
  entry.backoff.grow(doublings);
  entries_.emplace(key, entry);
}

void Backoff::reset(const std::string& key) {
  std::lock_guard lock(mutex_);
  entries_.erase(key);
}

void Backoff::forget_prefix(const std::string& prefix) {
  std::lock_guard lock(mutex_);
  for (auto it = entries_.lower_bound(prefix); it != entries_.end() && it->first.rfind(prefix, 0) == 0;)
    it = entries_.erase(it);
}

}  // namespace agent::flowcontrol
