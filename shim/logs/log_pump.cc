#include "shim/logs/log_pump.h"

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>

#include <spdlog/spdlog.h>

namespace shim {
namespace {

// Tasks make Docker requests (JSON parsing, Beast) and write files: no deep
// recursion, but more than a follower's old 256 KiB would be tight for
// spdlog's formatting on top. Only the touched part costs memory.
constexpr std::size_t kStackBytes = 1 << 20;

[[noreturn]] void fail(const char* what) {
  throw std::system_error(errno, std::generic_category(), what);
}

}  // namespace

LogPump::LogPump() {
  epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
  if (epoll_fd_ < 0) fail("epoll_create1");
  wake_fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (wake_fd_ < 0) {
    close(epoll_fd_);
    fail("eventfd");
  }
  epoll_event event{};
  event.events = EPOLLIN;
  event.data.fd = wake_fd_;
  epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, wake_fd_, &event);
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, kStackBytes);
  const int error = pthread_create(
      &thread_, &attr,
      [](void* self) -> void* {
        pthread_setname_np(pthread_self(), "log-pump");
        static_cast<LogPump*>(self)->run();
        return nullptr;
      },
      this);
  pthread_attr_destroy(&attr);
  if (error != 0) {
    close(wake_fd_);
    close(epoll_fd_);
    throw std::system_error(error, std::generic_category(), "log pump thread");
  }
}

LogPump::~LogPump() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake();
  pthread_join(thread_, nullptr);
  close(wake_fd_);
  close(epoll_fd_);
}

bool LogPump::on_pump_thread() const { return pthread_equal(pthread_self(), thread_) != 0; }

void LogPump::wake() {
  const std::uint64_t one = 1;
  [[maybe_unused]] const auto ignored = write(wake_fd_, &one, sizeof one);
}

void LogPump::post(Task task) {
  {
    std::lock_guard lock(mutex_);
    queue_.push_back(std::move(task));
  }
  wake();
}

void LogPump::post_at(Clock::time_point when, Task task) {
  {
    std::lock_guard lock(mutex_);
    timers_.emplace(when, std::move(task));
  }
  wake();
}

void LogPump::watch(int fd, Task on_readable) {
  epoll_event event{};
  event.events = EPOLLIN | EPOLLRDHUP;
  event.data.fd = fd;
  if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &event) != 0) fail("epoll_ctl add");
  watched_[fd] = std::move(on_readable);
  watched_count_ = watched_.size();
}

void LogPump::unwatch(int fd) {
  if (watched_.erase(fd) != 0) epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
  watched_count_ = watched_.size();
}

void LogPump::run_due_tasks() {
  std::vector<Task> due;
  {
    std::lock_guard lock(mutex_);
    due.swap(queue_);
    const auto now = Clock::now();
    while (!timers_.empty() && timers_.begin()->first <= now) {
      due.push_back(std::move(timers_.begin()->second));
      timers_.erase(timers_.begin());
    }
  }
  for (auto& task : due) {
    try {
      task();
    } catch (const std::exception& e) {
      spdlog::error("log pump: a task failed: {}", e.what());
    }
  }
}

void LogPump::run() {
  constexpr int kMaxEvents = 32;
  epoll_event events[kMaxEvents];
  for (;;) {
    int timeout_ms = -1;
    {
      std::lock_guard lock(mutex_);
      if (stopping_) return;
      if (!queue_.empty()) {
        timeout_ms = 0;
      } else if (!timers_.empty()) {
        const auto wait = std::chrono::ceil<std::chrono::milliseconds>(timers_.begin()->first -
                                                                       Clock::now());
        timeout_ms = static_cast<int>(std::max<long long>(0, wait.count()));
      }
    }
    const int n = epoll_wait(epoll_fd_, events, kMaxEvents, timeout_ms);
    if (n < 0 && errno != EINTR) {
      spdlog::critical("log pump: epoll_wait: {}", std::strerror(errno));
      return;
    }
    for (int i = 0; i < n; ++i) {
      const int fd = events[i].data.fd;
      if (fd == wake_fd_) {
        std::uint64_t count;
        [[maybe_unused]] const auto ignored = read(wake_fd_, &count, sizeof count);
        continue;
      }
      // A handler may unwatch this or another fd: look it up each time.
      const auto it = watched_.find(fd);
      if (it == watched_.end()) continue;
      Task handler = it->second;
      try {
        handler();
      } catch (const std::exception& e) {
        spdlog::error("log pump: a stream handler failed: {}", e.what());
      }
    }
    run_due_tasks();
  }
}

LogPump::Load LogPump::load() {
  std::lock_guard lock(mutex_);
  return {queue_.size(), timers_.size(), watched_count_.load()};
}

}  // namespace shim
