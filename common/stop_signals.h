// SIGTERM and SIGINT handled by one thread that waits for them (sigwait),
// for cri-shim and node-agent alike.
#pragma once

#include <signal.h>

#include <chrono>

namespace common {

// Blocks the stop signals in this thread and every thread started after it,
// so that only the thread calling sigwait() on the returned set receives
// them; and ignores SIGPIPE (a peer that hangs up is an error return, not a
// death). Call first in main, before any thread starts.
sigset_t block_stop_signals();

// Waits up to `timeout` for one of `signals` (as block_stop_signals returned
// them): the signal's number, or 0 when none came. For a wait that must not
// make a stop signal wait with it (a runtime that does not answer yet).
int wait_for_stop_signal(const sigset_t& signals, std::chrono::milliseconds timeout);

}  // namespace common
