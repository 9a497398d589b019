// Per-call deadline and cancellation for Docker API calls.
//
// Every blocking call of the docker client takes a CallOptions. The transport
// waits on the socket in short slices and, between slices, checks the deadline
// and asks `cancelled()`; either one aborts the call with a DockerError of kind
// DeadlineExceeded or Cancelled, and the connection is closed (never reused),
// so dockerd sees the request go away (a cancelled pull stops pulling).
//
// The CRI server builds one from the gRPC ServerContext: the client's deadline
// and ServerContext::IsCancelled().
#pragma once

#include <chrono>
#include <functional>

namespace docker {

struct CallOptions {
  using Clock = std::chrono::steady_clock;

  // No deadline by default: a slow pull that keeps making progress is never
  // aborted by the client itself.
  Clock::time_point deadline = Clock::time_point::max();

  // Polled while waiting on dockerd; returns true when the caller gave up.
  std::function<bool()> cancelled;

  static CallOptions with_timeout(std::chrono::milliseconds timeout) {
    CallOptions options;
    options.deadline = Clock::now() + timeout;
    return options;
  }

  bool is_cancelled() const { return cancelled && cancelled(); }
  bool expired() const { return Clock::now() >= deadline; }
};

}  // namespace docker
