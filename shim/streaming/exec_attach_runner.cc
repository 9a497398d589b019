#include "shim/streaming/exec_attach_runner.h"

#include <chrono>
#include <optional>
#include <thread>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "shim/streaming/command_status.h"
#include "shim/streaming/docker_stream_copy.h"

namespace shim::streaming {

namespace {

// Calls that are not the stream itself (create, start, inspect, resize)
// answer at once from a healthy dockerd; a hung one must not hold the
// session forever.
docker::CallOptions docker_call() { return docker::CallOptions::with_timeout(std::chrono::seconds(60)); }

void close_output(RemoteCommandStreams& streams) {
  if (streams.stdout_stream) streams.stdout_stream->close();
  if (streams.stderr_stream) streams.stderr_stream->close();
}

// Closes the output streams (all output was delivered), writes the outcome
// on the error stream and closes it. The client may be gone already; that
// is no error of ours.
void report(RemoteCommandStreams& streams, const std::string& log_name, const CommandOutcome& outcome) {
  if (outcome.kind == CommandOutcome::Kind::kError) spdlog::warn("{}: {}", log_name, outcome.error);
  close_output(streams);
  if (!streams.error_stream) return;
  try {
    if (auto bytes = encode_status(streams.protocol, outcome)) streams.error_stream->write(*bytes);
  } catch (const StreamClosed&) {
    spdlog::debug("{}: client left before the status was written", log_name);
  }
  streams.error_stream->close();
}

// Docker's output ends when the process exits, but the exec's inspect may
// say "running" a moment longer; cri-dockerd asks for up to ~10 s. After
// that the process outlived its streams (it closed them and went on): the
// session ends as a success, as with cri-dockerd.
CommandOutcome exec_outcome(docker::Client& docker, const std::string& exec_id, const std::string& log_name) {
  auto pause = std::chrono::milliseconds(20);
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  for (;;) {
    const docker::ExecInspect inspect = docker.inspect_exec(exec_id, docker_call());
    if (!inspect.running) {
      if (!inspect.exit_code) return CommandOutcome::failed("exec " + exec_id + " ended without an exit code");
      return CommandOutcome::exited(*inspect.exit_code);
    }
    if (std::chrono::steady_clock::now() >= give_up) {
      spdlog::warn("{}: output ended but the process still runs; the session ends as a success", log_name);
      return CommandOutcome::success();
    }
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::milliseconds(1000));
  }
}

// What exec and attach share once Docker's stream is open: copy until the
// output ends, then report. The status is written before the stdin and
// resize threads are joined, because the client closes those streams only
// after it has read the status.
template <typename Outcome>
void copy_and_report(const std::string& log_name, docker::HijackedStream& hijacked,
                     RemoteCommandStreams& streams, bool stdin_to_docker,
                     DockerStreamCopy::ResizeFunction resize, Outcome&& outcome_when_done,
                     const char* failure_prefix) {
  std::optional<DockerStreamCopy> copy;
  CommandOutcome outcome;
  try {
    copy.emplace(log_name, hijacked, streams, stdin_to_docker, std::move(resize));
    if (!copy->copy_until_output_ends()) {
      spdlog::info("{}: client went away; Docker connection closed", log_name);
      return;  // `copy` joins its threads: the session is gone, their reads end
    }
    outcome = outcome_when_done();
  } catch (const std::exception& e) {
    outcome = CommandOutcome::failed(failure_prefix + std::string(e.what()));
  }
  report(streams, log_name, outcome);
}

}  // namespace

void run_exec(docker::Client& docker, const ExecRequest& request, RemoteCommandStreams& streams) {
  const std::string log_name = "exec in container " + request.container_id;
  constexpr const char* kFailure = "error executing command in container: ";
  try {
    if (request.cmd.empty()) throw std::invalid_argument("the command is empty");
    docker::ExecConfig config;
    config.cmd = request.cmd;
    config.tty = request.tty;
    config.attach_stdin = request.stdin_ && streams.stdin_stream;
    config.attach_stdout = request.stdout_ && streams.stdout_stream;
    config.attach_stderr = request.stderr_ && !request.tty && streams.stderr_stream;
    const std::string exec_id = docker.create_exec(request.container_id, config, docker_call());
    const std::string exec_name = log_name + " (exec " + exec_id.substr(0, 12) + ")";
    spdlog::debug("{}: starting {}", exec_name, nlohmann::json(request.cmd).dump());
    auto hijacked = docker.start_exec(exec_id, request.tty, docker_call());

    DockerStreamCopy::ResizeFunction resize;
    if (request.tty)
      resize = [&docker, exec_id](const TerminalSize& size) {
        docker.resize_exec(exec_id, size.height, size.width, docker_call());
      };
    copy_and_report(exec_name, *hijacked, streams, config.attach_stdin, std::move(resize),
                    [&] { return exec_outcome(docker, exec_id, exec_name); }, kFailure);
  } catch (const std::exception& e) {
    report(streams, log_name, CommandOutcome::failed(kFailure + std::string(e.what())));
  }
}

void run_attach(docker::Client& docker, const AttachRequest& request, RemoteCommandStreams& streams) {
  const std::string log_name = "attach to container " + request.container_id;
  constexpr const char* kFailure = "error attaching to container: ";
  try {
    const docker::ContainerInspect container = docker.inspect_container(request.container_id, false, docker_call());
    if (!container.state.running)
      throw std::runtime_error("container " + container.id + " is not running (" + container.state.status + ")");
    const bool tty = container.config.tty;
    const bool attach_stdin = request.stdin_ && container.config.open_stdin && streams.stdin_stream;
    const bool attach_stdout = request.stdout_ && streams.stdout_stream;
    const bool attach_stderr = request.stderr_ && !tty && streams.stderr_stream;
    if (request.tty != tty)
      spdlog::debug("{}: client asked tty={}, the container has tty={}; the container's setting wins",
                    log_name, request.tty, tty);
    auto hijacked = docker.attach_container(container.id, attach_stdin, attach_stdout, attach_stderr, tty,
                                            docker_call());

    DockerStreamCopy::ResizeFunction resize;
    if (tty)
      resize = [&docker, id = container.id](const TerminalSize& size) {
        docker.resize_container(id, size.height, size.width, docker_call());
      };
    copy_and_report(log_name, *hijacked, streams, attach_stdin, std::move(resize),
                    [] { return CommandOutcome::success(); }, kFailure);
  } catch (const std::exception& e) {
    report(streams, log_name, CommandOutcome::failed(kFailure + std::string(e.what())));
  }
}

}  // namespace shim::streaming
