// Checks shared by Exec and Attach before a streaming URL is handed out,
// so that a bad request fails in the CRI call, not later on the URL.
#pragma once

#include <string>
#include <string_view>

#include "shim/state/container_store.h"

namespace shim {

// kubelet's rules: at least one of stdin, stdout, stderr; no stderr with a
// TTY (the TTY merges it into stdout). Throws CriError INVALID_ARGUMENT.
void check_stream_flags(bool stdin_, bool stdout_, bool stderr_, bool tty);

// The full ID of `container` (found by RuntimeService::require); throws
// CriError FAILED_PRECONDITION when it does not run.
std::string require_running_container(const ContainerStore::Record& container);

}  // namespace shim
