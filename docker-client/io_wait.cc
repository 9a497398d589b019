#include "docker-client/io_wait.h"

#include <poll.h>

#include <algorithm>
#include <cerrno>

namespace docker::detail {

WaitResult wait_fd(int fd, short events, const CallOptions& options) {
  using Clock = CallOptions::Clock;
  for (;;) {
    if (options.is_cancelled()) return WaitResult::Cancelled;
    auto slice = kPollSlice;
    if (options.deadline != Clock::time_point::max()) {
      auto now = Clock::now();
      if (now >= options.deadline) return WaitResult::Deadline;
      // Round up so we don't spin with 0 ms polls just before the deadline.
      auto left = std::chrono::ceil<std::chrono::milliseconds>(options.deadline - now);
      slice = std::min(slice, left);
    }
    pollfd p{fd, events, 0};
    int r = ::poll(&p, 1, static_cast<int>(slice.count()));
    if (r > 0) return WaitResult::Ready;
    if (r < 0 && errno != EINTR) return WaitResult::Ready;  // let the I/O call report it
  }
}

}  // namespace docker::detail
