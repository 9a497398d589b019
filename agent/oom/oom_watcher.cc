#include "agent/oom/oom_watcher.h"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <spdlog/spdlog.h>

namespace agent::oom {

OomWatcher::OomWatcher(std::string path, std::function<void(const OomKill&)> on_kill)
    : path_(std::move(path)), on_kill_(std::move(on_kill)) {}

OomWatcher::~OomWatcher() { stop(); }

bool OomWatcher::start() {
  const int fd = ::open(path_.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    spdlog::warn("OOM watcher: cannot open {} ({}); kernel OOM kills will not be reported", path_,
                 std::strerror(errno));
    return false;
  }
  // Only what happens from now on: the log's past kills were reported by
  // whoever watched then. (A FIFO cannot seek; it has no past.)
  ::lseek(fd, 0, SEEK_END);
  stopping_ = false;
  thread_ = std::thread([this, fd] { run(fd); });
  spdlog::info("OOM watcher: following {}", path_);
  return true;
}

void OomWatcher::stop() {
  stopping_ = true;
  if (thread_.joinable()) thread_.join();
}

void OomWatcher::run(int fd) {
  KmsgParser parser;
  std::string pending;  // a partial line of a plain file
  char buffer[8192];
  while (!stopping_) {
    pollfd p{fd, POLLIN, 0};
    const int ready = ::poll(&p, 1, 200);  // the timeout bounds how long stop() waits
    if (ready <= 0) continue;
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0) {
      if (errno == EAGAIN || errno == EINTR) continue;
      if (errno == EPIPE) {
        spdlog::warn("OOM watcher: the kernel log overwrote records before they were read; some OOM kills may be missed");
        continue;
      }
      spdlog::error("OOM watcher: reading {} failed ({}); OOM kills are no longer reported", path_,
                    std::strerror(errno));
      break;
    }
    if (n == 0) {
      // The end of a plain file, or a FIFO without a writer: look again soon.
      ::usleep(100 * 1000);
      continue;
    }
    pending.append(buffer, static_cast<std::size_t>(n));
    std::size_t start = 0;
    for (auto eol = pending.find('\n'); eol != std::string::npos; eol = pending.find('\n', start)) {
      const std::string_view line(pending.data() + start, eol - start);
      start = eol + 1;
      if (line.empty() || line.front() == ' ') continue;  // a record's continuation lines
      if (auto kill = parser.feed(line)) {
        spdlog::warn("OOM watcher: the kernel killed {} (pid {}) in memory cgroup {} ({})", kill->process, kill->pid,
                     kill->task_memcg.empty() ? "?" : kill->task_memcg, kill->constraint);
        if (on_kill_) on_kill_(*kill);
      }
    }
    pending.erase(0, start);
  }
  ::close(fd);
}

}  // namespace agent::oom
