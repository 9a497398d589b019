// A connection that dockerd handed over after `Upgrade: tcp` (exec start,
// container attach): stdin goes up raw, stdout/stderr come down either
// multiplexed in 8-byte-header frames (no TTY) or raw (TTY).
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>

#include "docker-client/call_options.h"

namespace docker {

enum class StreamKind { Stdin = 0, Stdout = 1, Stderr = 2 };

struct OutputChunk {
  StreamKind stream = StreamKind::Stdout;
  std::string data;
};

class HijackedStream {
 public:
  virtual ~HijackedStream() = default;

  // Next piece of output, demultiplexed; nullopt at end of stream (also after
  // close()). In TTY (raw) mode everything is reported as Stdout.
  // Throws DockerError on deadline, cancellation or a broken frame; like any
  // aborted call, a deadline or cancellation also closes the stream.
  virtual std::optional<OutputChunk> read(const CallOptions& options) = 0;

  // Sends bytes to the process's stdin. Throws DockerError on failure.
  virtual void write_stdin(const char* data, std::size_t size) = 0;

  // Half-closes the connection: the process reads EOF on stdin.
  virtual void close_stdin() = 0;

  // Closes the connection at once; a blocked read() returns or throws.
  // Safe to call from another thread.
  virtual void close() = 0;

  // The socket's file descriptor, for poll()-based multiplexing.
  virtual int native_handle() const = 0;

  virtual bool raw_mode() const = 0;
};

}  // namespace docker
