// The forms node-agent's --listen takes (common/endpoint.h): host:port or
// tcp://host:port, [v6] in brackets, ":port" for every IPv4 address. TCP
// only: the HTTP library serves no unix socket. Read by the flag (so a bad
// address is refused at start) and by the HTTP API.
#pragma once

#include "common/endpoint.h"

namespace agent::server {

inline constexpr common::EndpointForms kApiListenForms{
    .what = "--listen address", .unix_socket = false, .bare_host_port = true, .any_host = true};

}  // namespace agent::server
