// Makes a pod's volumes on the node and removes them with the pod (kubelet's
// VolumeManager and the emptyDir, hostPath, configMap, secret, downwardAPI
// and projected plugins). The runtime never sees a volume, only the host
// paths that the container mounts name (container_mounts.h).
//
// Layout, as kubelet's: <pod dir>/volumes/kubernetes.io~<plugin>/<volume>,
// where <pod dir> is AgentPaths::pod_state_dir. hostPath volumes are the
// host's own paths and are never created (but for *OrCreate) nor removed.
//
// Contract:
// - set_up is called on every sync of a pod that is not finished: it makes
//   what is missing and refreshes what may have changed (ConfigMap, Secret
//   and downward API contents, through the AtomicWriter), and keeps what
//   exists: a restarted agent finds the volumes of running pods as they
//   are, tmpfs mounts included.
// - A volume that was set up once keeps its host path when a later refresh
//   fails (its ConfigMap was deleted): the containers keep their files, and
//   the error is still reported, as kubelet's remount does.
// - emptyDir medium Memory, secret and projected volumes are tmpfs mounts,
//   so that a Secret never reaches the disk.
// - fsGroup: emptyDir gets the group with setgid on its directory;
//   configMap, secret, downwardAPI and projected files get the group and
//   group read (kubelet's SetVolumeOwnership); hostPath is left alone.
// - tear_down unmounts every mount under the pod's volumes directory, then
//   removes that directory; it removes nothing when a mount stays.
// - Calls for different pods may run in parallel.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "agent/pod/pod_spec.h"
#include "agent/volume/volume_payload.h"

namespace agent::volume {

struct PodVolumes {
  std::map<std::string, std::string> host_paths;  // volume name -> its host directory (or file, for hostPath)
  // (volume name, kubelet's FailedMount message) for each volume that
  // could not be set up or refreshed this time.
  std::vector<std::pair<std::string, std::string>> errors;

  // Every volume of the pod has a host path: its containers can start.
  bool ready(const pod::Pod& pod) const { return host_paths.size() == pod.spec.volumes.size(); }
};

class VolumeManager {
 public:
  // `pod_dir(uid)`: the pod's own directory (AgentPaths::pod_state_dir).
  VolumeManager(std::function<std::string(const std::string& uid)> pod_dir, ObjectLookup objects,
                NodeAllocatable node);

  PodVolumes set_up(const pod::Pod& pod);
  // False (with `error`) when a mount could not be undone; nothing is
  // removed then, and the caller tries again later.
  bool tear_down(const std::string& uid, std::string& error);
  // The host directory of a volume (also before it exists).
  std::string volume_dir(const std::string& uid, const pod::Volume& volume) const;

 private:
  std::string set_up_one(const pod::Pod& pod, const pod::Volume& volume, std::string& host_path);

  std::function<std::string(const std::string&)> pod_dir_;
  ObjectLookup objects_;
  NodeAllocatable node_;
};

}  // namespace agent::volume
