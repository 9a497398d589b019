// The copying behind an exec or attach: the client's remote command streams
// on one side, a Docker hijacked connection (exec start, container attach)
// on the other.
//
//   stdin stream  -> Docker stdin   (end of stream: close_stdin(), so the
//                                    process reads EOF)
//   Docker stdout -> stdout stream; Docker stderr -> stderr stream (in TTY
//                    mode, where the client has no stderr stream, stderr
//                    goes to stdout; output nobody asked for is dropped)
//   resize stream -> `resize` for each applicable TerminalSize
//
// Threads: the caller's thread copies Docker's output; one thread reads
// stdin, one reads resizes. copy_until_output_ends() returns when Docker's
// output ended (the process exited, or the attach ended) or the client went
// away; the stdin and resize threads go on until their streams end and are
// joined by finish() (or the destructor), so none outlives this object.
#pragma once

#include <atomic>
#include <functional>
#include <thread>

#include "docker-client/hijacked_stream.h"
#include "shim/streaming/byte_streams.h"
#include "shim/streaming/terminal_size.h"

namespace shim::streaming {

class DockerStreamCopy {
 public:
  // Applies one terminal size; errors it throws are logged and ignored
  // (as kubelet's runtimes ignore failed resizes).
  using ResizeFunction = std::function<void(const TerminalSize&)>;

  // `log_name` names the exec or container in log lines. `stdin_to_docker`:
  // Docker attached the process's stdin (otherwise client stdin is read and
  // dropped). `resize` empty: sizes are read and dropped (no TTY). The
  // streams and `docker` must outlive this object.
  DockerStreamCopy(std::string log_name, docker::HijackedStream& docker,
                   RemoteCommandStreams& streams, bool stdin_to_docker, ResizeFunction resize);
  ~DockerStreamCopy();
  DockerStreamCopy(const DockerStreamCopy&) = delete;
  DockerStreamCopy& operator=(const DockerStreamCopy&) = delete;

  // Copies Docker's output to the client until it ends; then closes the
  // Docker connection (releasing it, and unblocking a stdin write). Returns
  // false when the client went away (StreamClosed on any stream) — then
  // nothing more should be written to it. Throws DockerError when the
  // connection to dockerd breaks.
  bool copy_until_output_ends();

  // Waits for the stdin and resize threads: they end when the client ends
  // those streams or the session (kubectl and crictl close the connection
  // once they read the status, so this is immediate in practice).
  void finish();

  bool client_gone() const { return client_gone_; }

 private:
  void copy_stdin();
  void copy_resizes();
  void on_client_gone();

  std::string log_name_;
  docker::HijackedStream& docker_;
  RemoteCommandStreams& streams_;
  bool stdin_to_docker_;
  ResizeFunction resize_;
  std::atomic<bool> client_gone_{false};
  std::atomic<bool> output_ended_{false};
  std::thread stdin_thread_;
  std::thread resize_thread_;
};

}  // namespace shim::streaming
