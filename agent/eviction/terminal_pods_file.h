// The terminal pods (terminal_pods.h) on disk, so that a pod evicted or
// refused by the eviction manager stays terminal across an agent restart
// (kill -9 included): without it a restarted agent would take an evicted
// pod whose manifest is still there for a new one and start it again.
//
// One JSON file, replaced whole and durably (common/durable_file.h):
//   {"kind": "TerminalPods", "version": 1,
//    "pods": {"<uid>": {"reason": "Evicted", "message": "...",
//                       "gracePeriodSeconds": N, "killed": true}}}
#pragma once

#include <map>
#include <string>

#include "agent/eviction/terminal_pods.h"

namespace agent::eviction {

using TerminalPodMap = std::map<std::string, TerminalPod>;  // by pod UID

std::string terminal_pods_to_json(const TerminalPodMap& pods);
// Throws std::invalid_argument for a text that is not such a file.
TerminalPodMap terminal_pods_from_json(const std::string& text);

// The pods kept in `path`; none when the file is missing. A file that
// cannot be read or parsed is logged as an error and counts as none: the
// agent still starts (its pods then run as new ones would).
TerminalPodMap load_terminal_pods(const std::string& path);
// Throws std::system_error when the file cannot be written.
void save_terminal_pods(const std::string& path, const TerminalPodMap& pods);

}  // namespace agent::eviction
