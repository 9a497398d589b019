#include "shim/sandbox/resolv_conf.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace shim {

bool has_dns_settings(const cri::DNSConfig& dns) {
  return dns.servers_size() > 0 || dns.searches_size() > 0 || dns.options_size() > 0;
}

std::string resolv_conf_text(const cri::DNSConfig& dns) {
  std::string text;
  auto line = [&text](const char* keyword, const auto& values) {
    if (values.empty()) return;
    text += keyword;
    for (const auto& value : values) text += " " + value;
    text += "\n";
  };
  line("search", dns.searches());
  for (const auto& server : dns.servers()) text += "nameserver " + server + "\n";
  line("options", dns.options());
  return text;
}

void write_resolv_conf(const std::string& path, const std::string& text) {
  // In place, not by rename: Docker bind-mounts this very inode into the
  // sandbox, and a renamed-over file would not be what the pod sees.
  const int fd = ::open(path.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);
  if (fd < 0) throw std::runtime_error("cannot open " + path + ": " + std::strerror(errno));
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int err = errno;
      ::close(fd);
      throw std::runtime_error("cannot write " + path + ": " + std::strerror(err));
    }
    done += static_cast<std::size_t>(n);
  }
  ::close(fd);
}

}  // namespace shim
