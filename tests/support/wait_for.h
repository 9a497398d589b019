// Polling for a condition that something else makes true: a child process,
// a container, a log line written after the call that caused it returned.
#pragma once

#include <chrono>
#include <functional>

namespace support {

// Calls `predicate` every `interval` until it returns true (then true) or
// `timeout` has passed (then one last call decides). Exceptions from the
// predicate propagate.
bool wait_for(const std::function<bool()>& predicate, std::chrono::milliseconds timeout,
              std::chrono::milliseconds interval = std::chrono::milliseconds(100));

}  // namespace support
