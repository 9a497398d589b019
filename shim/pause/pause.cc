// pause: the process of a pod's infra ("pause") container.
//
// It holds the pod's namespaces open while the pod's containers come and go,
// so all it does is wait. Because it runs as PID 1 of the pod (containers
// sharing the pod's PID namespace reparent their orphans to it), it must also
// reap zombies. As PID 1 the kernel drops every signal without a handler,
// so SIGINT/SIGTERM need explicit handlers for `docker stop` to end it
// cleanly with status 0 instead of waiting for the SIGKILL (status 137).
//
// Linked statically and kept free of iostream/stdio: the binary is the whole
// content of the image cri-shim imports (see pause_image.h).
#include <cerrno>
#include <csignal>
#include <cstring>

#include <sys/wait.h>
#include <unistd.h>

#include "build_version.h"

namespace {

void write_all(int fd, const char* text) {
  size_t left = std::strlen(text);
  while (left > 0) {
    const ssize_t n = write(fd, text, left);
    if (n <= 0) return;  // nowhere to report it; pause must keep going
    text += n;
    left -= static_cast<size_t>(n);
  }
}

void on_shutdown_signal(int) {
  // Only async-signal-safe calls here: write(2) and _exit(2).
  write_all(STDOUT_FILENO, "pause: shutting down\n");
  _exit(0);
}

void on_child_exit(int) {
  // One SIGCHLD may stand for several exited children, so drain them all.
  const int saved_errno = errno;
  while (waitpid(-1, nullptr, WNOHANG) > 0) {
  }
  errno = saved_errno;
}

bool install(int signal_number, void (*handler)(int), int flags) {
  struct sigaction action;
  std::memset(&action, 0, sizeof action);
  action.sa_handler = handler;
  action.sa_flags = flags;
  sigemptyset(&action.sa_mask);
  return sigaction(signal_number, &action, nullptr) == 0;
}

}  // namespace

int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "-v") == 0 || std::strcmp(argv[i], "--version") == 0) {
      write_all(STDOUT_FILENO, "pause (cri-shim " CRI_SHIM_VERSION ")\n");
      return 0;
    }
    write_all(STDERR_FILENO,
              "usage: pause [-v]\n"
              "  The infra container process of a cri-shim pod: sleeps until SIGINT or\n"
              "  SIGTERM (then exits 0) and reaps orphaned children meanwhile.\n");
    return 2;
  }

  if (getpid() != 1) {
    write_all(STDERR_FILENO, "pause: warning: not running as PID 1, orphans will not be reaped here\n");
  }
  if (!install(SIGINT, on_shutdown_signal, 0) || !install(SIGTERM, on_shutdown_signal, 0) ||
      !install(SIGCHLD, on_child_exit, SA_NOCLDSTOP | SA_RESTART)) {
    write_all(STDERR_FILENO, "pause: cannot install signal handlers\n");
    return 1;
  }
  for (;;) pause();
}
