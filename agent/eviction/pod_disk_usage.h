// The part of each pod's local storage CRI's container stats do not hold:
// its containers' log directories and its volumes on the node's disk
// (emptyDir without medium Memory, configMap, downwardAPI: kubelet's local
// ephemeral volumes; a Memory emptyDir is a tmpfs its sizeLimit bounds, a
// secret or projected volume is a tmpfs too, a hostPath is the host's),
// walked as kubelet's du metrics walk them (stats/fs_usage.h).
//
// Where those live is the agent's layout (runtime/, volume/), so the paths
// come in as functions. A directory that is not there (yet) measures 0.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "agent/eviction/pod_ranking.h"
#include "agent/pod/pod_spec.h"

namespace agent::eviction {

struct PodDiskPaths {
  // The host directory of one of the pod's volumes.
  std::function<std::string(const pod::Pod& pod, const pod::Volume& volume)> volume_dir;
  // The directory of one container's log files.
  std::function<std::string(const pod::Pod& pod, const std::string& container)> log_dir;
};

// Whether kubelet counts `volume` as the pod's local ephemeral storage.
bool local_ephemeral_volume(const pod::Volume& volume);

// Adds, for each of `pods` that `usages` holds (a pod without container
// stats stays without: kubelet skips it), its containers' log usage (to the
// containers `usages` lists) and its local ephemeral volumes.
void add_disk_usage(const std::vector<pod::Pod>& pods, const PodDiskPaths& paths, PodUsages& usages);

// Whether `a` and `b` lie on different filesystems (their devices differ):
// an image filesystem apart from --root-dir is a dedicated one. False when
// either cannot be stat'ed.
bool on_different_filesystems(const std::string& a, const std::string& b);

}  // namespace agent::eviction
