// The HijackedStream behind exec start / attach: a raw socket that dockerd
// stopped speaking HTTP on. Output is read with the call's deadline and
// cancellation (poll in ~100 ms slices), demultiplexed by FrameDecoder unless
// the process has a TTY. Reads and writes may run on different threads;
// close() may be called from any thread: it shuts the socket down (waking a
// blocked read, which then reports end of stream) and the fd itself is only
// closed by the destructor, so no other thread can ever use a recycled fd.
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "docker-client/frame_decoder.h"
#include "docker-client/hijacked_stream.h"

namespace docker::detail {

class HijackedSocket final : public HijackedStream {
 public:
  // Takes ownership of `fd` (non-blocking). `leftover` = stream bytes that
  // were read together with the HTTP headers; they come first.
  HijackedSocket(int fd, std::string leftover, bool raw);
  ~HijackedSocket() override;

  // On deadline or cancellation the socket is shut down (the call's contract:
  // an aborted call never leaves its connection usable) and DockerError thrown.
  std::optional<OutputChunk> read(const CallOptions& options) override;
  void write_stdin(const char* data, std::size_t size) override;
  void close_stdin() override;
  void close() override;
  int native_handle() const override { return fd_; }
  bool raw_mode() const override { return raw_; }

 private:
  int fd_;
  bool raw_;
  std::string leftover_;
  FrameDecoder decoder_;
  std::unique_ptr<char[]> buf_;
  bool eof_ = false;
  std::atomic<bool> closed_{false};
};

}  // namespace docker::detail
