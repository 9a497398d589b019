#include "shim/streaming/docker_stream_copy.h"

#include <spdlog/spdlog.h>

#include "docker-client/error.h"

namespace shim::streaming {

DockerStreamCopy::DockerStreamCopy(std::string log_name, docker::HijackedStream& docker,
                                   RemoteCommandStreams& streams, bool stdin_to_docker,
                                   ResizeFunction resize)
    : log_name_(std::move(log_name)),
      docker_(docker),
      streams_(streams),
      stdin_to_docker_(stdin_to_docker),
      resize_(std::move(resize)) {
  if (streams_.stdin_stream) stdin_thread_ = std::thread([this] { copy_stdin(); });
  if (streams_.resize_stream) {
    try {
      resize_thread_ = std::thread([this] { copy_resizes(); });
    } catch (...) {
      // The stdin thread must not be left joinable behind a failed constructor.
      docker_.close();
      if (stdin_thread_.joinable()) stdin_thread_.join();
      throw;
    }
  }
}

DockerStreamCopy::~DockerStreamCopy() {
  // Reached early only when the caller threw: the connection goes away so
  // that a thread blocked writing stdin to Docker returns.
  docker_.close();
  finish();
}

void DockerStreamCopy::on_client_gone() {
  client_gone_ = true;
  // Unblocks the output loop (its read reports end of stream) and tells
  // dockerd that nobody is attached any more.
  docker_.close();
}

void DockerStreamCopy::copy_stdin() {
  bool forward = stdin_to_docker_;
  try {
    while (auto data = streams_.stdin_stream->read()) {
      if (!forward) continue;
      try {
        docker_.write_stdin(data->data(), data->size());
      } catch (const docker::DockerError& e) {
        // The process is gone or closed its stdin; the rest is dropped, but
        // the stream is still read so the session notices its end.
        if (!output_ended_) spdlog::debug("{}: stdin not delivered: {}", log_name_, e.what());
        forward = false;
      }
    }
    if (forward) docker_.close_stdin();
  } catch (const StreamClosed&) {
    on_client_gone();
  }
}

void DockerStreamCopy::copy_resizes() {
  TerminalSizeDecoder decoder;
  try {
    while (auto data = streams_.resize_stream->read()) {
      for (const TerminalSize& size : decoder.feed(*data)) {
        if (!resize_ || !applicable(size)) continue;
        try {
          resize_(size);
        } catch (const std::exception& e) {
          spdlog::debug("{}: resize to {}x{} failed: {}", log_name_, size.width, size.height, e.what());
        }
      }
    }
  } catch (const MalformedResize& e) {
    // Kubelet stops reading resizes after a message it cannot decode; the
    // command itself goes on.
    spdlog::warn("{}: resize stream ignored from here on: {}", log_name_, e.what());
  } catch (const StreamClosed&) {
    on_client_gone();
  }
}

bool DockerStreamCopy::copy_until_output_ends() {
  OutputStream* out = streams_.stdout_stream.get();
  // TTY mode merges stderr into stdout (the client has no stderr stream).
  OutputStream* err = streams_.stderr_stream ? streams_.stderr_stream.get()
                                             : (streams_.tty ? out : nullptr);
  // The connection is closed either way: it served its one command.
  struct CloseOnExit {
    DockerStreamCopy& self;
    ~CloseOnExit() {
      self.output_ended_ = true;
      self.docker_.close();
    }
  } close_on_exit{*this};
  const docker::CallOptions no_deadline;
  try {
    while (auto chunk = docker_.read(no_deadline)) {
      if (client_gone_) break;
      OutputStream* target = chunk->stream == docker::StreamKind::Stderr ? err : out;
      if (target) target->write(chunk->data);
    }
  } catch (const StreamClosed&) {
    on_client_gone();
  } catch (const docker::DockerError&) {
    // A read aborted by on_client_gone() is the client's departure, not
    // Docker's failure.
    if (!client_gone_) throw;
  }
  return !client_gone_;
}

void DockerStreamCopy::finish() {
  if (stdin_thread_.joinable()) stdin_thread_.join();
  if (resize_thread_.joinable()) resize_thread_.join();
}

}  // namespace shim::streaming
