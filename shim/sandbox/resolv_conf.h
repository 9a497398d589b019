// A pod's resolv.conf from its CRI DNSConfig, as kubelet lays it out:
//
//   search <searches...>
//   nameserver <server>        (one line each)
//   options <options...>
//
// The file replaces the one Docker made for the sandbox (every container of
// the pod shares it through the sandbox's network namespace), the way
// dockershim did. An empty DNSConfig leaves Docker's file alone.
#pragma once

#include <string>

#include "runtime/v1/api.h"

namespace shim {

bool has_dns_settings(const cri::DNSConfig& dns);
std::string resolv_conf_text(const cri::DNSConfig& dns);

// Replaces the file at `path` (Docker's ResolvConfPath of the sandbox) by
// `text`. Throws std::runtime_error naming the path and errno.
void write_resolv_conf(const std::string& path, const std::string& text);

}  // namespace shim
