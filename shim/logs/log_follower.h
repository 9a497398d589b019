// Copies one container's Docker log into its CRI log file until Docker ends
// the stream (the container stopped and every message was delivered) or
// stop() is called. All its work runs as tasks on the shared LogPump
// (log_pump.h): the Docker connection is watched there with the others, so
// a follower costs a socket and a few KiB, not a thread.
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
// Threads: the public methods are for any thread but the pump's (stop()
// waits for it). Always owned by a std::shared_ptr (pending tasks hold one).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "common/backoff.h"
#include "docker-client/client.h"
#include "docker-client/log_stream.h"
#include "shim/logs/docker_log_message.h"
#include "shim/logs/log_counters.h"
#include "shim/logs/log_file.h"
#include "shim/logs/log_position.h"
#include "shim/logs/log_pump.h"

namespace shim {

class LogFollower : public std::enable_shared_from_this<LogFollower> {
 public:
  // tty: whether the container has a TTY; nullopt = ask Docker. Losses,
  // failed writes and broken streams are counted in `counters`.
  LogFollower(LogPump& pump, docker::Client& docker, std::string container_id, std::string path,
              std::optional<bool> tty, std::string state_path, LogCounters& counters);
  LogFollower(const LogFollower&) = delete;
  LogFollower& operator=(const LogFollower&) = delete;

  const std::string& path() const { return file_.path(); }

  // Starts following; when it has finished before, starts again from the
  // position reached. No-op while running.
  void start();
  // Cancels the Docker call, saves the position, waits until it ended.
  // Idempotent.
  void stop();
  // stop() without the wait: lets many followers wind down together.
  void request_stop();
  // True once it has ended by itself or by stop(), or never started.
  bool finished() const;
  // Waits until finished() or the deadline; returns finished().
  bool wait_finished(std::chrono::steady_clock::time_point deadline) const;
  // Saves the position, then closes and reopens the file at path().
  // Throws std::system_error when the file cannot be opened.
  void reopen();
  // The position written so far (tests, diagnostics).
  LogPosition position() const;

 private:
  // ---- pump thread only
  void connect(unsigned generation);
  void on_readable(unsigned generation);
  void on_stream_end(unsigned generation);
  void halt(unsigned generation);
  // Decides what a failure of connect/read means: retry later or finish.
  void on_failure(unsigned generation, std::exception_ptr failure);
  void retry_later(unsigned generation);
  void close_stream();
  void finish();
  bool stale(unsigned generation) const;
  // Catches up the in-memory position with the file (first start, or a
  // retry after a failed write) and opens the file.
  void prepare();
  // Starts a pass over Docker's log from the position reached.
  docker::LogOptions begin_pass(bool follow);
  // One piece of Docker's log: records queued unless the file has them.
  void consume(const docker::OutputChunk& chunk);
  void add(const CriLogRecord& record);
  // Writes the queued records with one write() and advances the position.
  void flush();
  // The final read without follow (blocking, on the pump thread).
  void read_rest();
  docker::CallOptions call_options() const;

  // ---- any thread
  void save_state_locked();

  LogPump& pump_;
  LogCounters& counters_;
  docker::Client& docker_;
  const std::string id_;
  const std::string state_path_;

  std::atomic<bool> stop_{false};
  mutable std::mutex mutex_;  // file_, position_, saved_at_, finished_, generation_
  mutable std::condition_variable changed_;
  LogFile file_;
  LogPosition position_;  // what the file (or its rotated predecessors) holds
  std::chrono::steady_clock::time_point saved_at_{};
  bool finished_ = true;
  unsigned generation_ = 0;  // bumped by start(): older tasks do nothing

  // Pump-thread state of the current pass.
  std::optional<bool> tty_;
  std::unique_ptr<docker::LogStream> stream_;
  std::optional<ResumeFilter> filter_;
  TtyLogSplitter splitter_;
  LogPosition pending_position_;
  LogPosition attempt_start_;
  std::string batch_;
  bool recheck_file_ = true;
  // Reconnects: 100 ms doubling to 5 s; back to 100 ms after a pass that
  // made progress.
  common::ExponentialBackoff retry_{std::chrono::milliseconds(100), std::chrono::seconds(5)};
};

}  // namespace shim
