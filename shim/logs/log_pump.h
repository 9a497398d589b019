// LogPump: the one thread that carries every container's log stream.
//
// Following a log is mostly waiting. A thread per container cost a stack
// and TLS each and woke 10 times a second (docker-client's poll slices):
// memory and wake-ups that grew with the pods, for nothing. Here an epoll loop waits on all the log connections at once and
// wakes only when one has bytes, a timer is due, or work is posted.
//
// Everything a follower does runs as a task on this thread, so followers
// need no locks among themselves; a task may block briefly (a Docker
// request, a file write), which delays the others by as much.
//
// Threads: post()/post_at() from any thread; watch()/unwatch() only from
// tasks (the pump thread). The destructor stops the loop and joins; tasks
// still queued are dropped (destroyed, not run).
#pragma once

#include <pthread.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <vector>

namespace shim {

class LogPump {
 public:
  using Clock = std::chrono::steady_clock;
  using Task = std::function<void()>;

  // Starts the thread. Throws std::system_error when it cannot.
  LogPump();
  ~LogPump();
  LogPump(const LogPump&) = delete;
  LogPump& operator=(const LogPump&) = delete;

  // Runs `task` on the pump thread soon, in posting order.
  void post(Task task);
  // Runs `task` on the pump thread once `when` has come.
  void post_at(Clock::time_point when, Task task);

  // Pump thread only. Calls `on_readable` (level-triggered) while `fd` has
  // bytes or an error/hang-up pending, until unwatch(fd).
  void watch(int fd, Task on_readable);
  void unwatch(int fd);

  bool on_pump_thread() const;

  // What is pending now, for leak watching (Status verbose, the soak):
  // tasks queued or timed, and fds watched.
  struct Load {
    std::size_t tasks = 0, timers = 0, watched = 0;
  };
  Load load();

 private:
  void run();
  void wake();
  void run_due_tasks();

  int epoll_fd_ = -1;
  int wake_fd_ = -1;  // eventfd: post() and the destructor
  pthread_t thread_{};

  std::mutex mutex_;  // queue_, timers_, stopping_
  std::vector<Task> queue_;
  std::multimap<Clock::time_point, Task> timers_;
  bool stopping_ = false;

  std::map<int, Task> watched_;  // pump thread only
  std::atomic<std::size_t> watched_count_{0};  // watched_.size(), for load()
};

}  // namespace shim
