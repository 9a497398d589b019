// SIGTERM and SIGINT handled by one thread that waits for them (sigwait),
// for cri-shim and node-agent alike.
#pragma once

#include <signal.h>

namespace common {

// Blocks the stop signals in this thread and every thread started after it,
// so that only the thread calling sigwait() on the returned set receives
// them; and ignores SIGPIPE (a peer that hangs up is an error return, not a
// death). Call first in main, before any thread starts.
sigset_t block_stop_signals();

}  // namespace common
