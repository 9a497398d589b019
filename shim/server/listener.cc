#include "shim/server/listener.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>

namespace shim {
namespace {

// True when something accepts connections on the unix socket at `path`.
bool someone_listens(const std::string& path) {
  sockaddr_un address{};
  if (path.size() >= sizeof address.sun_path) return false;
  address.sun_family = AF_UNIX;
  std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  const bool connected = ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  ::close(fd);
  return connected;
}

}  // namespace

Listener::Listener(const std::string& uri) {
  const auto endpoint = common::Endpoint::parse(uri, kListenForms);
  if (endpoint.kind == common::Endpoint::Kind::Tcp) {
    grpc_address_ = endpoint.host_port();
    return;
  }
  socket_path_ = endpoint.path;
  if (socket_path_.size() >= sizeof(sockaddr_un{}.sun_path))
    throw std::runtime_error("socket path " + socket_path_ + " is too long for a unix socket");

  const auto parent = std::filesystem::path(socket_path_).parent_path();
  std::error_code error;
  std::filesystem::create_directories(parent, error);
  if (error)
    throw std::runtime_error("cannot create " + parent.string() + ": " + error.message());

  struct stat st{};
  if (::lstat(socket_path_.c_str(), &st) == 0) {
    if (!S_ISSOCK(st.st_mode))
      throw std::runtime_error(socket_path_ + " exists and is not a socket; refusing to replace it");
    if (someone_listens(socket_path_))
      throw std::runtime_error("another server is already listening on " + socket_path_);
    if (::unlink(socket_path_.c_str()) != 0)
      throw std::runtime_error("cannot remove stale socket " + socket_path_ + ": " +
                               std::strerror(errno));
  }
  grpc_address_ = "unix:" + socket_path_;
}

void Listener::after_bind() const {
  if (is_unix() && ::chmod(socket_path_.c_str(), 0660) != 0)
    throw std::runtime_error("cannot set the mode of " + socket_path_ + ": " + std::strerror(errno));
}

void Listener::remove() const {
  if (is_unix()) ::unlink(socket_path_.c_str());
}

}  // namespace shim
