// The one error type of the docker client.
//
// Everything that goes wrong in a Docker API call surfaces as a DockerError:
// an HTTP error reply from dockerd (kind Http, with its status and Docker's
// own message), a transport failure (Unavailable: dockerd down, socket gone),
// a deadline or a cancellation, a malformed reply (Protocol), or an error
// reported inside a progress stream (Stream: a pull that failed midway).
#pragma once

#include <stdexcept>
#include <string>

namespace docker {

class DockerError : public std::runtime_error {
 public:
  enum class Kind { Http, Unavailable, DeadlineExceeded, Cancelled, Protocol, Stream };

  DockerError(Kind kind, int http_status, std::string message)
      : std::runtime_error(message), kind_(kind), http_status_(http_status),
        message_(std::move(message)) {}

  Kind kind() const { return kind_; }
  // HTTP status of dockerd's reply; 0 when there was no reply.
  int http_status() const { return http_status_; }
  // Docker's own message (the "message" field of its error body), or ours.
  const std::string& message() const { return message_; }

  bool not_found() const { return kind_ == Kind::Http && http_status_ == 404; }
  bool conflict() const { return kind_ == Kind::Http && http_status_ == 409; }
  bool not_modified() const { return kind_ == Kind::Http && http_status_ == 304; }

 private:
  Kind kind_;
  int http_status_;
  std::string message_;
};

}  // namespace docker
