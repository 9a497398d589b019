// Keeps the pods posted to the HTTP API across agent restarts: each is
// written as its Pod JSON (no status) to <root-dir>/api-pods/<uid>.json,
// atomically, and read back at start-up through the manifest parser, with
// its UID. Without it a restarted agent would take the pods it was given by
// POST /pods for orphans and kill them.
#pragma once

#include <string>
#include <vector>

#include "agent/pod/pod_spec.h"

namespace agent::config {

class ApiPodStore {
 public:
  explicit ApiPodStore(std::string dir) : dir_(std::move(dir)) {}

  // Throws std::runtime_error when the file cannot be written.
  void save(const pod::Pod& pod);
  void remove(const std::string& uid);
  // Every stored pod that still parses; a file that does not is logged and
  // skipped (and left for a human to look at).
  std::vector<pod::Pod> load(const std::string& node_name) const;

 private:
  std::string dir_;
};


}  // namespace agent::config
