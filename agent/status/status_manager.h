// Keeps the latest status of every pod the agent runs (kubelet's
// status.Manager), and of every manifest it rejected, for GET /pods.
//
// Contract:
// - set() stores a freshly generated status, keeping what must not move:
//   startTime once set, and each condition's lastTransitionTime while its
//   status is unchanged.
// - A rejected manifest that names its pod shows as that pod with phase
//   Failed, reason "InvalidManifest" (or the given reason) and the message.
// - Thread-safe: pod workers write, the HTTP API reads.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "agent/pod/pod_spec.h"
#include "agent/status/pod_status.h"

namespace agent::status {

struct PodRecord {
  pod::Pod pod;
  PodStatus status;
};

class StatusManager {
 public:
  void set(const pod::Pod& pod, PodStatus status);
  void remove(const std::string& uid);
  // Replaces the rejected manifests of one source key (a file, a URL, "api").
  void set_rejected(const std::string& source_key, std::vector<PodRecord> rejected);

  std::vector<PodRecord> list() const;  // running pods, then rejected ones, each sorted by ns/name
  std::optional<PodRecord> get(const std::string& namespace_, const std::string& name) const;
  std::optional<PodRecord> get_by_uid(const std::string& uid) const;

 private:
  mutable std::mutex mutex_;
  std::map<std::string, PodRecord> pods_;                         // by uid
  std::map<std::string, std::vector<PodRecord>> rejected_;        // by source key
};

// A Pod object (apiVersion v1, kind Pod: metadata, spec, status) and a
// PodList of them, as the Kubernetes API serialises them.
nlohmann::json pod_to_json(const pod::Pod& pod, const PodStatus& status);
nlohmann::json pod_list_to_json(const std::vector<PodRecord>& pods);

}  // namespace agent::status
