// Waiting on a socket without ever blocking indefinitely.
//
// poll() is called in slices of at most kPollSlice; between slices the
// call's deadline and cancellation callback are checked, so a caller that
// gave up is noticed within ~100 ms even when dockerd stays silent.
#pragma once

#include <chrono>

#include "docker-client/call_options.h"

namespace docker::detail {

inline constexpr std::chrono::milliseconds kPollSlice{100};

enum class WaitResult { Ready, Deadline, Cancelled };

// Waits until `fd` reports any of `events` (POLLIN/POLLOUT) or an error/hangup
// (then the next read/write reports it). Never throws.
WaitResult wait_fd(int fd, short events, const CallOptions& options);

}  // namespace docker::detail
