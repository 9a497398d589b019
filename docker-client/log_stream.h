// A container's log read without blocking (Client::open_container_logs), so
// that one thread can follow the logs of many containers with epoll/poll.
#pragma once

#include <functional>
#include <memory>

#include "docker-client/frame_decoder.h"
#include "docker-client/hijacked_stream.h"

namespace docker {

class BodyReader;  // transport.h

class LogStream {
 public:
  ~LogStream();
  LogStream(const LogStream&) = delete;
  LogStream& operator=(const LogStream&) = delete;

  // The socket to watch for readability (level-triggered).
  int fd() const;

  // Hands `sink` every demultiplexed piece the socket holds now (TTY: all as
  // Stdout), never waiting. Returns true while the log may go on, false once
  // Docker ended it. Call it once right after opening: bytes may have come
  // with the reply's head. Throws DockerError: Unavailable or Protocol when
  // the stream broke, Stream when Docker reported an error inside it.
  bool read_available(const std::function<void(const OutputChunk&)>& sink);

 private:
  friend class Client;
  LogStream(std::unique_ptr<BodyReader> body, bool raw);
  std::unique_ptr<BodyReader> body_;
  bool raw_;
  FrameDecoder decoder_;
};

}  // namespace docker
