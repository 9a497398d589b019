#include "common/service_manager.h"

#include <sys/socket.h>

#include <cstring>
#include <stdexcept>

#include <spdlog/spdlog.h>
#include <systemd/sd-daemon.h>

namespace common {

std::vector<int> take_activation_sockets() {
  const int count = sd_listen_fds(/*unset_environment=*/1);
  if (count < 0) throw std::runtime_error("reading LISTEN_FDS: " + std::string(strerror(-count)));
  std::vector<int> fds;
  for (int fd = SD_LISTEN_FDS_START; fd < SD_LISTEN_FDS_START + count; ++fd) {
    // A stream socket that listens (a datagram socket or a FIFO would be a
    // unit written for another program).
    if (sd_is_socket(fd, AF_UNSPEC, SOCK_STREAM, /*listening=*/1) <= 0)
      throw std::runtime_error("fd " + std::to_string(fd) +
                               " passed by the service manager is not a listening stream socket "
                               "(check ListenStream= in the .socket unit)");
    fds.push_back(fd);
  }
  return fds;
}

void notify_ready(const std::string& status) {
  const std::string message = "READY=1\nSTATUS=" + status;
  const int sent = sd_notify(/*unset_environment=*/0, message.c_str());
  if (sent < 0) spdlog::warn("could not tell the service manager we are ready: {}", strerror(-sent));
}

void notify_stopping() { sd_notify(0, "STOPPING=1"); }

}  // namespace common
