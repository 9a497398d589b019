// Gives back the pages of shared-library and program code that only
// start-up touched (dynamic loading, gRPC's plugin registration). They are
// clean file pages: dropping them from this process's mappings loses
// nothing, and whatever code runs later faults its own pages back in from
// the page cache. Idle RSS then shows what serving needs, not what loading
// needed.
#pragma once

#include <cstddef>

namespace common {

// Drops the resident pages of every read-only, file-backed mapping that
// holds no private (copy-on-write) pages. Returns the KiB dropped.
std::size_t drop_startup_code_pages();

// Makes malloc give freed memory back instead of keeping it for later:
// at most 2 arenas (one per log-follower thread would each keep its own
// free memory), a fixed 64 KiB mmap threshold (glibc otherwise raises it
// to the largest block freed so far, so a big container list's buffers
// stay in the heap) and a 128 KiB trim threshold. Call before any thread.
void limit_malloc_retention();

// What malloc holds, summed over its arenas (mallinfo2): bytes handed out
// and not freed (`in_use`, large mmap'ed blocks included) and freed bytes it
// keeps for reuse (`kept_free`). A leak grows `in_use`; fragmentation grows
// `kept_free` while `in_use` stays flat. Status verbose and the soak read it.
struct HeapUsage {
  std::size_t in_use = 0, kept_free = 0;
};
HeapUsage heap_usage();

}  // namespace common
