// kubelet's local storage eviction (LocalStorageCapacityIsolation, the
// eviction manager's localStorageEviction): which pods break their own
// local storage limits, whatever the node's signals say. Pure: the pods and
// their measured usage in, the pods to evict and kubelet's message for each
// out.
//
// Each pod with usage is checked in kubelet's order, and the first broken
// limit is its message (each sentence ends with a space, as kubelet's):
//   1. an emptyDir volume (no medium: a Memory one is a tmpfs of its
//      sizeLimit and cannot exceed it) using more than its sizeLimit (> 0):
//        Usage of EmptyDir volume "v" exceeds the limit "4Mi".
//   2. the pod's ephemeral usage (pod_ephemeral_usage) above the sum of its
//      containers' ephemeral-storage limits (kubelet's PodLimits: the app
//      containers' limits summed, an init container's larger one taking
//      over), checked when any container declares one:
//        Pod ephemeral local storage usage exceeds the total limit of containers 6Mi.
//   3. an app container whose logs, plus its writable layer unless the
//      image filesystem is a dedicated one, exceed its limit (> 0):
//        Container app exceeded its local ephemeral storage limit "2Mi".
// Limits are quoted as Kubernetes writes a binary quantity ("4Mi", "1Gi";
// a limit written in decimal units, "4M", is quoted in bytes or binary
// units: node-agent keeps bytes, not the manifest's text). Critical pods
// (is_critical) are never named: kubelet refuses to evict them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "agent/eviction/pod_ranking.h"
#include "agent/pod/pod_spec.h"

namespace agent::eviction {

struct StorageViolation {
  pod::Pod pod;
  std::string message;
};

// Whether `pod` declares any limit local storage eviction checks (an
// emptyDir sizeLimit, an ephemeral-storage limit): without one there is
// nothing to measure it against.
bool has_local_storage_limits(const pod::Pod& pod);

// The pod's local ephemeral storage as kubelet's stats count it: its
// containers' writable layers and logs and its measured volumes.
int64_t pod_ephemeral_usage(const PodUsage& usage);

// `pods` in order, each named at most once; pods absent from `usages`
// (no stats) are skipped, as kubelet skips them.
std::vector<StorageViolation> local_storage_violations(const std::vector<pod::Pod>& pods, const PodUsages& usages,
                                                       bool dedicated_image_fs);

}  // namespace agent::eviction
