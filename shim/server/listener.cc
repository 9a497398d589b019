#include "shim/server/listener.h"

#include <grp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <vector>

#include "common/service_manager.h"

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

void check_listen_address(const std::string& uri) {
  if (uri.rfind(kActivationAddress, 0) == 0) {
    if (uri.size() != kActivationAddress.size())
      throw std::invalid_argument("invalid listen address \"" + uri +
                                  "\": fd:// takes no name (it serves every socket the service manager passed)");
    return;
  }
  common::Endpoint::parse(uri, kListenForms);
}

Listener::Listener(const std::string& uri) {
  check_listen_address(uri);
  if (uri == kActivationAddress) {
    activation_sockets_ = common::take_activation_sockets();
    if (activation_sockets_.empty())
      throw std::runtime_error("--listen fd://: the service manager passed no socket (LISTEN_FDS); start "
                               "cri-shim through its .socket unit, or listen on unix:///path");
    return;
  }
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

void Listener::after_bind(std::optional<gid_t> group) const {
  if (!is_unix()) return;
  // The group first: between the two calls the socket is no wider open
  // than umask made it.
  if (group && ::chown(socket_path_.c_str(), static_cast<uid_t>(-1), *group) != 0)
    throw std::runtime_error("cannot give " + socket_path_ + " to group " + std::to_string(*group) + ": " +
                             std::strerror(errno));
  if (::chmod(socket_path_.c_str(), 0660) != 0)
    throw std::runtime_error("cannot set the mode of " + socket_path_ + ": " + std::strerror(errno));
}

gid_t resolve_group(const std::string& name_or_gid) {
  if (name_or_gid.empty()) throw std::invalid_argument("a group name or GID is needed");
  if (name_or_gid.find_first_not_of("0123456789") == std::string::npos) {
    const unsigned long gid = std::stoul(name_or_gid);
    if (gid > 0x7fffffffUL) throw std::invalid_argument("GID " + name_or_gid + " is out of range");
    return static_cast<gid_t>(gid);
  }
  group entry{};
  group* found = nullptr;
  std::vector<char> buffer(16384);
  const int error = ::getgrnam_r(name_or_gid.c_str(), &entry, buffer.data(), buffer.size(), &found);
  if (error != 0 || found == nullptr)
    throw std::invalid_argument("no group named \"" + name_or_gid + "\"" +
                                (error != 0 ? std::string(": ") + std::strerror(error) : std::string()));
  return found->gr_gid;
}

void Listener::remove() const {
  if (is_unix()) ::unlink(socket_path_.c_str());
}

}  // namespace shim
