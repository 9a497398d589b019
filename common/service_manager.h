// Working under systemd (or any service manager that speaks its protocols),
// and without one: both binaries call these and behave as before when no
// service manager is there.
//
//  - Socket activation: the manager binds the listening sockets itself and
//    passes them as fds 3.. (LISTEN_FDS, LISTEN_PID); the service then serves
//    on them ("--listen fd://"), so clients may connect before it is up and
//    nothing is lost across its restarts.
//  - Readiness (Type=notify): READY=1 once the service answers, STOPPING=1
//    when it begins to stop, on the datagram socket NOTIFY_SOCKET names.
#pragma once

#include <string>
#include <vector>

namespace common {

// The listening sockets passed to this process, in order (usually one).
// Taken once: the variables are removed from the environment, so children
// do not see them, and the fds are close-on-exec. Empty when none were
// passed (LISTEN_PID is another process's, or no LISTEN_FDS). Throws
// std::runtime_error when one of them is not a listening stream socket.
std::vector<int> take_activation_sockets();

// Tells the service manager that the service is ready, with a status line
// that `systemctl status` shows. Does nothing without NOTIFY_SOCKET.
void notify_ready(const std::string& status);
// Tells it the service is stopping (a stop it did not ask for is then not
// taken for a crash).
void notify_stopping();

}  // namespace common
