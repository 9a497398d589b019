// LogManager: every container's stdout and stderr in its CRI log file, exactly
// once, across shim restarts, with ReopenContainerLog.
//
// One LogFollower (log_follower.h) per container copies Docker's log
// (GET /containers/{id}/logs?follow=1&timestamps=1) into
// <log_directory>/<log_path> as CRI records (docker_log_message.h), and
// keeps its position in <state_dir>/logs/<container id> (log_position.h), so
// a restarted shim continues where the file ends: no line lost, none
// written twice. cri-dockerd instead symlinked Docker's json-file, which
// critest cannot read and which cannot be reopened.
//
// Thread-safe. Every follower runs on one shared thread (log_pump.h);
// stop_all() (and the destructor) cancels their Docker calls and waits for
// them to end.
#pragma once

#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include "docker-client/client.h"
#include "shim/logs/log_follower.h"
#include "shim/logs/log_pump.h"

namespace shim {

class LogManager {
 public:
  // Position state files go under <state_dir>/logs/.
  LogManager(docker::Client& docker, std::string state_dir);
  ~LogManager();  // stop_all()
  LogManager(const LogManager&) = delete;
  LogManager& operator=(const LogManager&) = delete;

  // Start (or resume, or restart when finished) copying container `id`'s
  // output to `path`. Idempotent while running. A different path replaces
  // the follower.
  void follow(const std::string& container_id, const std::string& path, bool tty);

  // Close and reopen the file at the same path. Throws shim::CriError
  // (shim/server/call.h) NOT_FOUND when no follower is known,
  // FAILED_PRECONDITION when the container is not running (containerd's
  // behaviour), INTERNAL when the file cannot be opened; lets
  // docker::DockerError through.
  void reopen(const std::string& container_id);

  // Block until the follower of `container_id` has finished (the stream
  // ended: everything Docker has is in the file), or `deadline`. Returns
  // true if drained (or no follower). Used so that a CRI client that sees a
  // container EXITED finds its complete log. While resume_all() runs, it
  // first waits (within the same deadline) for it to have started every
  // follower: right after a restart, a container that exited while the shim
  // was down has no follower yet, and "no follower" must not pass for
  // "drained" then.
  bool wait_drained(const std::string& container_id,
                    std::chrono::steady_clock::time_point deadline);

  // Stop following and delete its position state (container removed).
  void forget(const std::string& container_id);

  // Start-up: for every Docker container carrying the labels
  // io.kubernetes.container.logpath (non-empty) and
  // io.kubernetes.docker.type=container, resume its follower, so output
  // produced while the shim was down (even by containers that exited
  // meanwhile) lands in the file exactly once. Deletes the position state
  // of containers Docker no longer has. Lets docker::DockerError of the
  // container list through.
  void resume_all();
  // Called before serving starts when resume_all() will run in the
  // background: wait_drained() then waits for it.
  void expect_resume();

  // Followers known (running or finished and not forgotten), and the
  // pump's pending work: for leak watching (Status verbose, the soak).
  struct Load {
    std::size_t followers = 0;
    LogPump::Load pump;
    std::uint64_t messages_dropped = 0, write_failures = 0, stream_breaks = 0;  // LogCounters
  };
  Load load();
  // Stops every follower (their positions saved). follow() works again after.
  void stop_all();

 private:
  std::shared_ptr<LogFollower> find(const std::string& container_id);
  void follow(const std::string& container_id, const std::string& path,
              std::optional<bool> tty);
  std::string state_path(const std::string& container_id) const;
  void remove_stale_states(const std::set<std::string>& known);

  docker::Client& docker_;
  const std::string state_dir_;
  LogCounters counters_;  // before followers_: they count into it
  LogPump pump_;  // before followers_: they post to it until stopped
  std::mutex mutex_;  // followers_; held across start/stop so that they never race
  std::map<std::string, std::shared_ptr<LogFollower>> followers_;
  // resume_all() announced by expect_resume() and not yet done.
  bool resuming_ = false;  // guarded by mutex_
  std::condition_variable resumed_;
};

}  // namespace shim
