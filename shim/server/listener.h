// The CRI listening address: "unix:///run/cri-shim/cri-shim.sock",
// "tcp://127.0.0.1:10010", or "fd://": the sockets systemd passed by socket
// activation (cri-shim.socket; its unit sets their path, mode and group, and
// the shim neither makes nor removes them). For a unix socket the parent directory is made,
// a stale socket file left by a crashed run is removed (but a live server's
// socket is refused, never stolen), and the served socket gets mode 0660,
// owned by root and by the group --socket-group names (root's by default),
// so a monitoring user in that group may call CRI and nobody else can.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/endpoint.h"

namespace shim {

// What --listen takes: unix:///path or tcp://host:port (common/endpoint.h),
// or exactly kActivationAddress.
inline constexpr common::EndpointForms kListenForms{.what = "listen address"};
inline constexpr std::string_view kActivationAddress = "fd://";

// Throws std::invalid_argument for what --listen cannot take.
void check_listen_address(const std::string& uri);

class Listener {
 public:
  // Throws std::invalid_argument for an address check_listen_address
  // refuses, and std::runtime_error naming the path when it cannot be
  // prepared or, for fd://, when no socket was passed.
  explicit Listener(const std::string& uri);

  // The address in gRPC's form ("unix:/path" or "host:port"); "" for fd://.
  const std::string& grpc_address() const { return grpc_address_; }
  // fd://: the listening sockets passed by the service manager (owned here
  // until the process ends), to be served through a SocketAcceptor.
  const std::vector<int>& activation_sockets() const { return activation_sockets_; }
  bool is_activated() const { return !activation_sockets_.empty(); }
  bool is_unix() const { return !socket_path_.empty(); }
  const std::string& socket_path() const { return socket_path_; }

  // After the server bound the socket: its mode (0660) and, when `group` is
  // set, its group. Throws std::runtime_error naming the path.
  void after_bind(std::optional<gid_t> group = std::nullopt) const;
  // On shutdown: remove the socket file.
  void remove() const;

 private:
  std::string grpc_address_;
  std::string socket_path_;
  std::vector<int> activation_sockets_;
};

// --socket-group's value: a group name from the group database or a numeric
// GID. Throws std::invalid_argument for a name that is no group.
gid_t resolve_group(const std::string& name_or_gid);

}  // namespace shim
