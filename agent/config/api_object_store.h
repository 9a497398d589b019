// Keeps the ConfigMaps and Secrets posted to the HTTP API across agent
// restarts, as api_pod_store keeps its pods: each is written as its v1 JSON
// (a Secret with its values, base64 as the API server stores them) to
// <root-dir>/api-objects/<configmap|secret>_<namespace>_<name>.json,
// atomically, and read back at start-up through the manifest parser. Names
// and namespaces hold no '_', so a file name is one object's alone.
//
// This directory is the one place a Secret's values are written: it is
// made mode 0700 (and tightened to it if it exists) and its files 0600, as
// kubelet keeps secret volumes readable by root alone.
#pragma once

#include <string>
#include <vector>

#include "agent/pod/config_object.h"

namespace agent::config {

class ApiObjectStore {
 public:
  explicit ApiObjectStore(std::string dir) : dir_(std::move(dir)) {}

  // Throws std::runtime_error (std::system_error) when it cannot be written.
  void save(const pod::ConfigObject& object);
  void remove(pod::ObjectKind kind, const std::string& namespace_, const std::string& name);
  // Every stored object that still parses; a file that does not is logged
  // (its name and the parser's message, never a value) and skipped.
  std::vector<pod::ConfigObject> load() const;

 private:
  std::string path_of(pod::ObjectKind kind, const std::string& namespace_, const std::string& name) const;

  std::string dir_;
};

}  // namespace agent::config
