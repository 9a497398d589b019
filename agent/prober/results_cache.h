// The latest result of one kind of probe for each container, by container
// ID (kubelet's prober/results.Manager). Workers write; the status
// generator and the pod syncer read. `on_change` runs (outside the lock)
// when a container's result changes, with the pod's UID, so the pod is
// looked at again: a liveness failure kills, a readiness change moves the
// Ready condition. Thread-safe.
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "agent/prober/probe_result.h"

namespace agent::prober {

class ResultsCache {
 public:
  using OnChange = std::function<void(const std::string& pod_uid)>;
  explicit ResultsCache(OnChange on_change = {}) : on_change_(std::move(on_change)) {}

  // Warning is stored as Success.
  void set(const std::string& container_id, ProbeResult result, const std::string& pod_uid);
  std::optional<ProbeResult> get(const std::string& container_id) const;
  void remove(const std::string& container_id);

 private:
  OnChange on_change_;
  mutable std::mutex mutex_;
  std::map<std::string, ProbeResult> results_;
};

}  // namespace agent::prober
