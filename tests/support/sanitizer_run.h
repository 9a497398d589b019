// Whether the tests run under `scripts/test.sh --sanitize` (which exports
// ASAN_OPTIONS or TSAN_OPTIONS for the tests and the binaries they start).
// A sanitized binary's RSS holds the sanitizer's shadow memory and
// quarantine, and its malloc statistics read zero (the sanitizer's allocator
// replaces malloc's), so bounds on either only hold for a plain build.
#pragma once

#include <cstdlib>

namespace support {

inline bool sanitizer_run() {
  return std::getenv("ASAN_OPTIONS") != nullptr || std::getenv("TSAN_OPTIONS") != nullptr;
}

}  // namespace support
