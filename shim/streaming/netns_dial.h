// Connecting to localhost:<port> inside a pod's network namespace, natively:
// no nsenter, no socat.
//
// A network namespace is a property of a thread (setns), and a socket keeps
// the namespace it was created in for its whole life. So the connect runs
// on a thread of its own that enters the namespace, creates the socket,
// connects and exits: the thread that changed namespace never runs anything
// else, and the connected descriptor can then be used from any thread.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

namespace shim::streaming {

// Connecting failed; what() is the reason, for the client to read.
class DialError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// An open file descriptor, closed on destruction.
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  ~UniqueFd();
  UniqueFd(UniqueFd&& other) noexcept : fd_(other.release()) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept;
  int get() const { return fd_; }
  int release() {
    int fd = fd_;
    fd_ = -1;
    return fd;
  }
  explicit operator bool() const { return fd_ >= 0; }

 private:
  int fd_ = -1;
};

// The network namespace of process `pid` (/proc/<pid>/ns/net), held open:
// it stays valid (and the namespace alive) even if the process exits.
// Throws DialError when it cannot be opened.
UniqueFd open_network_namespace(int pid);

// A TCP connection to 127.0.0.1:<port>, or when that fails to [::1]:<port>,
// in the namespace `netns` (a descriptor from open_network_namespace), or in
// the caller's own namespace when `netns` is -1 (host-network pods). A
// connect that does not finish within 10 s fails. Throws DialError naming
// both attempts' errors.
UniqueFd dial_localhost(int netns, std::uint16_t port);

}  // namespace shim::streaming
