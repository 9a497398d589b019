// node-agent's ContainerManager (kubelet's pkg/kubelet/cm containerManager):
// the node's resources, pod admission against them, and the cgroup tree
//
//   <cgroup-root>/kubepods              node allocatable enforced here
//   <cgroup-root>/kubepods/pod<uid>     Guaranteed pods
//   <cgroup-root>/kubepods/burstable/pod<uid>
//   <cgroup-root>/kubepods/besteffort/pod<uid>
//
// With cgroups_per_qos false, no cgroup is made or touched and the pods get
// the runtime's default parent; resources and admission work the same.
//
// Thread-safe: pod workers ensure and remove pods in parallel, the
// housekeeping sweeps. Cgroup errors are thrown as std::runtime_error (the
// caller logs them and tries again at the next sync).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "agent/cm/cgroup_manager.h"
#include "agent/cm/node_allocatable.h"
#include "agent/cm/pod_admission.h"
#include "agent/cm/pod_container_manager.h"
#include "agent/cm/qos_container_manager.h"
#include "agent/eviction/thresholds.h"

namespace agent::cm {

struct ContainerManagerConfig {
  bool cgroups_per_qos = true;
  std::string cgroup_fs_root = "/sys/fs/cgroup";
  CgroupLayout layout;
  int64_t pod_pids_limit = -1;  // --pod-max-pids; <= 0: none
  ResourceMap capacity;         // read_node_capacity
  ResourceMap kube_reserved;    // parse_reserved
  ResourceMap system_reserved;
  bool enforce_pods = true;     // --enforce-node-allocatable has "pods"
  std::vector<eviction::Threshold> thresholds;
};

class ContainerManager {
 public:
  explicit ContainerManager(ContainerManagerConfig config);

  // Makes kubepods with kubepods_config's limits, then the QoS cgroups.
  // Throws std::runtime_error when the cgroup filesystem refuses.
  void start();

  const NodeResources& node_resources() const { return node_; }
  PodAdmitter& admitter() { return admitter_; }
  bool cgroups_per_qos() const { return config_.cgroups_per_qos; }
  const CgroupLayout& layout() const { return config_.layout; }

  // LinuxPodSandboxConfig.cgroup_parent for `pod`; "" without pod cgroups.
  std::string cgroup_parent(const pod::Pod& pod) const;
  // Before the pod's sandbox, and on every sync: the pod's cgroup with its
  // limits, written only when they differ from the last written (or the
  // cgroup is gone); a new Burstable pod raises the burstable cgroup's shares.
  void ensure_pod(const pod::Pod& pod);
  // After the pod is killed and removed. True when its cgroup is gone;
  // false when tasks remain (sweep() tries again).
  bool remove_pod(const std::string& uid);
  // Removes the pod cgroups of pods `keep` does not name (orphans: left by
  // a removal that found tasks, or by a run of the agent that stopped half
  // way) and refreshes the QoS shares (written only when changed, or when
  // their cgroup is gone). Errors are logged, not thrown.
  void sweep(const std::function<bool(const std::string& uid)>& keep);

 private:
  void update_qos_locked();

  ContainerManagerConfig config_;
  NodeResources node_;
  PodAdmitter admitter_;
  std::mutex mutex_;
  std::unique_ptr<CgroupManager> cgroups_;
  std::unique_ptr<QosContainerManager> qos_;
  std::unique_ptr<PodContainerManager> pods_;
  std::map<std::string, int64_t> burstable_cpu_;  // uid -> cpu request, pods with a cgroup
};

}  // namespace agent::cm
