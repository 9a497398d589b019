// Copies one container's Docker log into its CRI log file, on a thread of
// its own, until Docker ends the stream (the container stopped and every
// message was delivered) or stop() is called.
//
// Exactly once: the follower starts from the later of the file's tail and
// the saved state (log_position.h), asks Docker for the log since then with
// follow=1&timestamps=1, and writes each new message as one record. The
// position is saved to the state file at most once a second while writing,
// and always on reopen() and when the follower ends, so a rotated (emptied)
// file still resumes where it was.
//
// Failures: a broken stream or an unreachable dockerd is retried with
// backoff (100 ms doubling to 5 s) from the position reached, while the
// container exists; a stream that Docker ended while the container still
// runs (restarted meanwhile) is followed again. The follower ends when the
// container is gone (404), when Docker cannot read its log (another log
// driver: 501), when another process holds the log file's lock (log_file.h),
// or when the stream ended and the container is not running;
// then one last read without follow collects what Docker 20.10's follow can
// miss at exit: the last message of a container that exited right after
// writing it (seen here in about 1 of 10 quick exits, an unterminated last
// piece each time; moby/moby#43860).
//
// Thread: a 256 KiB stack (the work is a socket read and a write; no deep
// recursion). stop() cancels the in-flight Docker call through its
// CallOptions and joins.
#pragma once

#include <pthread.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>

#include "docker-client/client.h"
#include "shim/logs/log_file.h"
#include "shim/logs/log_position.h"

namespace shim {

class LogFollower {
 public:
  // tty: whether the container has a TTY; nullopt = ask Docker.
  LogFollower(docker::Client& docker, std::string container_id, std::string path,
              std::optional<bool> tty, std::string state_path);
  ~LogFollower();  // stop()
  LogFollower(const LogFollower&) = delete;
  LogFollower& operator=(const LogFollower&) = delete;

  const std::string& path() const { return file_.path(); }

  // Starts the thread; when it has finished before, joins it and starts
  // again from the position reached. No-op while running.
  void start();
  // Cancels the Docker call, saves the position, joins. Idempotent.
  void stop();
  // stop() without the join: lets many followers wind down together.
  void request_stop();
  // True once the thread has ended by itself or by stop(), or never started.
  bool finished() const;
  // Waits until finished() or the deadline; returns finished().
  bool wait_finished(std::chrono::steady_clock::time_point deadline) const;
  // Saves the position, then closes and reopens the file at path().
  // Throws std::system_error when the file cannot be opened.
  void reopen();
  // The position written so far (tests, diagnostics).
  LogPosition position() const;

 private:
  void run();
  // Catches up the in-memory position with the file (first start, or a
  // retry after a failed write) and opens the file.
  void prepare();
  // One Docker log request, to its end. Throws docker::DockerError.
  void stream_once(bool follow = true);
  // Queues a record unless the file has it already.
  void add(const CriLogRecord& record);
  // Writes the queued records with one write() and advances the position.
  void flush();
  void save_state_locked();
  // Sleeps, waking early on stop(); false when stopped.
  bool sleep_for(std::chrono::milliseconds delay);
  void join();

  docker::Client& docker_;
  const std::string id_;
  const std::string state_path_;
  std::optional<bool> tty_;

  std::atomic<bool> stop_{false};
  mutable std::mutex mutex_;  // file_, position_, saved_at_, finished_, thread_
  mutable std::condition_variable changed_;
  LogFile file_;
  LogPosition position_;  // what the file (or its rotated predecessors) holds
  std::chrono::steady_clock::time_point saved_at_{};
  bool finished_ = true;
  bool thread_started_ = false;
  pthread_t thread_{};

  // Thread-local work state (only run() touches these).
  std::optional<ResumeFilter> filter_;
  LogPosition pending_position_;
  std::string batch_;
  bool recheck_file_ = true;
};

}  // namespace shim
