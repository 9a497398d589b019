// The desired pods, merged from every source (kubelet's pod.Manager plus
// config.PodConfig's merge). A source key names one origin: "file:<path>"
// for each manifest file, "url:<url>", and "api". Each key's set is replaced
// whole; the manager diffs it by pod UID and tells the listener.
//
// Contract:
// - A pod whose namespace/name is already held under another key (or twice
//   in one set) is rejected ("already defined by <key>"); the first keeps it.
// - A changed UID for the same namespace/name is a removal then an addition
//   (a static pod's UID follows its content, as in kubelet).
// - The same UID with a changed spec is an update.
// - Listener calls are made outside the manager's lock, in order; a
//   listener may read the manager (pods(), pod_by_*) but must not change it.
// - rejected_changed is called only when a key's rejected list changes.
// - A pod rejected as a duplicate is not re-examined when the holder lets go
//   of it; its source's next set (a rescan, a poll) brings it in.
// - Thread-safe.
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "agent/pod/pod_spec.h"

namespace agent::pod {

// A manifest document the agent would not run.
struct RejectedManifest {
  std::string source_key;
  std::string namespace_ = "default";  // best effort from the document
  std::string name;                    // "" when the document names none
  std::string message;

  bool operator==(const RejectedManifest&) const = default;
};

class PodManagerListener {
 public:
  virtual ~PodManagerListener() = default;
  virtual void pod_added(const Pod& pod) = 0;
  virtual void pod_updated(const Pod& pod) = 0;
  virtual void pod_removed(const Pod& pod) = 0;
  // The rejected manifests of `source_key`, replacing the last list.
  virtual void rejected_changed(const std::string& source_key, const std::vector<RejectedManifest>& rejected) = 0;
};

class PodManager {
 public:
  explicit PodManager(PodManagerListener& listener) : listener_(listener) {}

  void set_source(const std::string& source_key, std::vector<Pod> pods, std::vector<RejectedManifest> rejected);
  void remove_source(const std::string& source_key) { set_source(source_key, {}, {}); }
  // The API source: adds or replaces one pod; removes by namespace/name
  // (false when the API holds no such pod).
  void put_api_pod(Pod pod);
  bool delete_api_pod(const std::string& namespace_, const std::string& name);

  std::vector<Pod> pods() const;
  std::optional<Pod> pod_by_uid(const std::string& uid) const;
  std::optional<Pod> pod_by_name(const std::string& namespace_, const std::string& name) const;

 private:
  PodManagerListener& listener_;
  mutable std::mutex mutex_;
  std::map<std::string, std::vector<Pod>> by_source_;  // accepted pods of each key
  // The last rejected list of each key, so the listener hears only changes
  // (sources may re-send an unchanged set on every rescan or poll).
  std::map<std::string, std::vector<RejectedManifest>> rejected_;
  // Serialises listener calls so that they arrive in the order of changes.
  std::mutex notify_mutex_;

  // set_source with notify_mutex_ already held (the API source edits its
  // current set and applies it as one step).
  void apply_locked(const std::string& source_key, std::vector<Pod> pods, std::vector<RejectedManifest> rejected);
};

}  // namespace agent::pod
