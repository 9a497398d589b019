// A hostPath volume's type check (kubelet's hostPathTypeChecker): the path
// must be what `type` says, and the *OrCreate types make it when it is
// missing (a directory 0755 with its parents; a file 0644 whose directory
// must exist, as kubelet's). Type "" checks nothing.
#pragma once

#include <string>

#include "agent/pod/pod_spec.h"

namespace agent::volume {

// "" when the path fits, else kubelet's message ("hostPath type check
// failed: /x is not a directory").
std::string check_host_path(const pod::HostPathVolume& volume);

}  // namespace agent::volume
