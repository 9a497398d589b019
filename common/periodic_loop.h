// A thread that runs one task every period until stopped (kubelet's
// wait.Until): the first run at once, then one period after each run ends,
// so a slow run never piles up behind itself. stop() wakes the wait and
// joins; a run in progress finishes first.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace common {

class PeriodicLoop {
 public:
  PeriodicLoop() = default;
  ~PeriodicLoop() { stop(); }
  PeriodicLoop(const PeriodicLoop&) = delete;
  PeriodicLoop& operator=(const PeriodicLoop&) = delete;

  // Starts the thread; at most once.
  void start(std::chrono::milliseconds period, std::function<void()> task) {
    thread_ = std::thread([this, period, task = std::move(task)] {
      std::unique_lock lock(mutex_);
      while (!stopping_) {
        lock.unlock();
        task();
        lock.lock();
        cv_.wait_for(lock, period, [this] { return stopping_; });
      }
    });
  }

  void stop() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace common
