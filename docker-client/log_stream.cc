#include "docker-client/log_stream.h"

#include "docker-client/error.h"
#include "docker-client/transport.h"

namespace docker {

LogStream::LogStream(std::unique_ptr<BodyReader> body, bool raw)
    : body_(std::move(body)), raw_(raw) {}

LogStream::~LogStream() = default;

int LogStream::fd() const { return body_->fd(); }

bool LogStream::read_available(const std::function<void(const OutputChunk&)>& sink) {
  const bool more = body_->read_available([&](const char* data, std::size_t size) {
    if (raw_) {
      sink(OutputChunk{StreamKind::Stdout, std::string(data, size)});
      return;
    }
    decoder_.feed(data, size);
    while (auto chunk = decoder_.next()) sink(*chunk);
  });
  if (!more && !raw_ && !decoder_.idle())
    throw DockerError(DockerError::Kind::Protocol, 0, "log stream ended inside a frame");
  return more;
}

}  // namespace docker
