// Running an ExecSync to its end: exec/exec_sync_runner.h.
#include "shim/exec_sync/exec_sync_runner.h"

#include <algorithm>
#include <thread>

#include <spdlog/spdlog.h>

#include "shim/exec_sync/exec_output.h"
#include "shim/exec_sync/exec_process_killer.h"
#include "shim/exec_sync/process_table.h"
#include "shim/server/call.h"

namespace shim::exec {

namespace {

using Clock = docker::CallOptions::Clock;

std::string short_id(const std::string& id) { return id.substr(0, 12); }

std::string create_exec(docker::Client& docker, const ExecSyncRequest& request,
                        const docker::CallOptions& options) {
  docker::ExecConfig config;
  config.cmd = request.cmd;
  config.attach_stdout = true;
  config.attach_stderr = true;
  try {
    return docker.create_exec(request.container_id, config, options);
  } catch (const docker::DockerError& e) {
    if (e.not_found()) throw not_found("container " + request.container_id + " not found");
    // Docker answers 409 for a container that is stopped, paused or restarting.
    if (e.conflict())
      throw CriError(grpc::StatusCode::FAILED_PRECONDITION,
                     "container " + request.container_id + " is not running: " + e.message());
    throw;
  }
}

// After the output ended, the exit code: Docker records it when the
// process's exit event arrives, which may come after the streams closed (or
// long after, when the process closed its stdout and stderr and runs on).
int wait_exit_code(docker::Client& docker, const std::string& exec_id,
                   const docker::CallOptions& options) {
  auto pause = std::chrono::milliseconds(1);
  while (true) {
    const auto inspect = docker.inspect_exec(exec_id, options);
    if (!inspect.running && inspect.exit_code) return *inspect.exit_code;
    if (options.is_cancelled())
      throw docker::DockerError(docker::DockerError::Kind::Cancelled, 0, "the client cancelled");
    if (Clock::now() + pause >= options.deadline)
      throw docker::DockerError(docker::DockerError::Kind::DeadlineExceeded, 0,
                                "the exec's output ended but its process runs on");
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::milliseconds(100));
  }
}

// Kills whatever the exec started; returns whether nothing of it is left
// alive. Runs after the caller's deadline may have passed, so its Docker
// calls have their own. Failures are logged: the caller reports the error
// that brought it here.
bool kill_exec(docker::Client& docker, const std::string& exec_id, const std::string& container_id,
               std::uint64_t started_after_ticks) noexcept {
  try {
    const auto options = cleanup_call_options();
    docker::ExecInspect inspect;
    // The PID is 0 until dockerd has started the process: ask again briefly.
    for (int attempt = 0; attempt < 50; ++attempt) {
      inspect = docker.inspect_exec(exec_id, options);
      if (inspect.pid != 0 || inspect.exit_code) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    if (inspect.pid == 0) {
      spdlog::warn("ExecSync {}: exec {} has no process to kill", short_id(container_id), short_id(exec_id));
      return true;
    }
    ExecProcessTarget target;
    target.pid = inspect.pid;
    target.running = inspect.running;
    target.container_id = container_id;
    target.started_after_ticks = started_after_ticks;
    target.seen_running_ticks = boot_ticks_now();
    const auto report = kill_exec_processes(target);
    if (report.all_gone)
      spdlog::info("ExecSync {}: exec {} (pid {}) killed ({} signals)", short_id(container_id),
                   short_id(exec_id), inspect.pid, report.killed);
    else
      spdlog::warn("ExecSync {}: exec {} (pid {}): processes still alive after SIGKILL",
                   short_id(container_id), short_id(exec_id), inspect.pid);
    return report.all_gone;
  } catch (const docker::DockerError& e) {
    // Docker forgets an exec with its container: the container was removed
    // meanwhile, and its processes went with it.
    if (e.not_found()) {
      spdlog::info("ExecSync {}: exec {} is gone with its container", short_id(container_id), short_id(exec_id));
      return true;
    }
    spdlog::warn("ExecSync {}: cannot kill exec {}: {}", short_id(container_id), short_id(exec_id), e.what());
    return false;
  } catch (const std::exception& e) {
    spdlog::warn("ExecSync {}: cannot kill exec {}: {}", short_id(container_id), short_id(exec_id), e.what());
    return false;
  }
}

// The CRI error for a Docker failure while the exec ran, once its processes
// were dealt with (`killed`: none left alive).
CriError exec_failure(const docker::DockerError& e, const ExecSyncRequest& request,
                      Clock::time_point timeout_at, bool killed) {
  const std::string aftermath = killed ? "; its processes were killed"
                                       : "; killing its processes failed (see the shim's log)";
  switch (e.kind()) {
    case docker::DockerError::Kind::DeadlineExceeded:
      return CriError(grpc::StatusCode::DEADLINE_EXCEEDED,
                      "command " +
                          (Clock::now() >= timeout_at
                               ? "timed out after " + std::to_string(request.timeout_seconds) + " s"
                               : std::string("ran past the client's deadline")) +
                          aftermath);
    case docker::DockerError::Kind::Cancelled:
      return CriError(grpc::StatusCode::CANCELLED, "the client cancelled the command" + aftermath);
    default:
      return CriError(status_code_for(e), "exec failed: " + e.message() + aftermath);
  }
}

}  // namespace

ExecSyncResult run_exec_sync(docker::Client& docker, const ExecSyncRequest& request,
                             const docker::CallOptions& client_options) {
  auto options = client_options;
  auto timeout_at = Clock::time_point::max();
  if (request.timeout_seconds > 0) {
    timeout_at = Clock::now() + std::chrono::seconds(request.timeout_seconds);
    options.deadline = std::min(options.deadline, timeout_at);
  }
  const std::string exec_id = create_exec(docker, request, options);

  // Nothing of the exec can have started before this instant (the PID check
  // of the kill relies on it).
  const std::uint64_t started_after_ticks = boot_ticks_now();
  ExecOutput output;
  int exit_code = 0;
  bool started = false;
  try {
    auto stream = docker.start_exec(exec_id, false, options);
    started = true;
    while (auto chunk = stream->read(options)) output.add(chunk->stream, chunk->data);
    exit_code = wait_exit_code(docker, exec_id, options);
  } catch (const docker::DockerError& e) {
    // dockerd's refusal to start it (the container stopped meanwhile: 409)
    // leaves nothing to kill; a start cut short may have started it.
    if (!started && e.kind() == docker::DockerError::Kind::Http) {
      if (e.conflict())
        throw CriError(grpc::StatusCode::FAILED_PRECONDITION,
                       "container " + request.container_id + " is not running: " + e.message());
      throw;
    }
    const bool killed = kill_exec(docker, exec_id, request.container_id, started_after_ticks);
    throw exec_failure(e, request, timeout_at, killed);
  } catch (...) {
    kill_exec(docker, exec_id, request.container_id, started_after_ticks);
    throw;
  }

  if (output.overflowed())
    spdlog::warn("ExecSync in container {}: output capped to fit one CRI reply (stdout {} bytes, "
                 "stderr {} bytes; {} kept)",
                 request.container_id, output.stdout_bytes(), output.stderr_bytes(),
                 kMaxExecSyncOutputBytes);
  return {output.take_stdout(), output.take_stderr(), exit_code};
}

}  // namespace shim::exec
