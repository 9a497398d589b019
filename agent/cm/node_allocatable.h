// The node's capacity and allocatable resources (kubelet's node allocatable,
// pkg/kubelet/cm node_container_manager_linux.go and the node status
// setters), and the limits kubelet enforces on the kubepods cgroup.
//
// Stable interface for the Node status: resource names are Kubernetes'
// ("cpu", "memory", "ephemeral-storage", "pods", "hugepages-2Mi",
// "hugepages-1Gi"); values are plain integers: cpu in millicores, memory,
// ephemeral-storage and hugepages in bytes, pods a count. A writer of the
// Node JSON formats them as quantities itself.
//
//   allocatable = capacity - kube-reserved - system-reserved - hard eviction
//                 threshold (memory.available for memory, nodefs.available
//                 for ephemeral-storage), never below 0; memory also less the
//                 hugepages (pre-allocated, not for pods' ordinary memory)
//   kubepods    = capacity - kube-reserved - system-reserved (no eviction
//                 threshold: the eviction manager acts before the limit bites)
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "agent/cm/pod_resources.h"
#include "agent/eviction/thresholds.h"

namespace agent::cm {

using ResourceMap = std::map<std::string, int64_t>;

inline constexpr const char* kCpu = "cpu";
inline constexpr const char* kMemory = "memory";
inline constexpr const char* kEphemeralStorage = "ephemeral-storage";
inline constexpr const char* kPods = "pods";
// The pids the node can have (kubelet's internal capacity; not in the Node).
inline constexpr const char* kPid = "pid";

struct NodeResources {
  ResourceMap capacity;     // every resource above, "pid" excepted
  ResourceMap allocatable;  // the same keys
};

using KeyValues = std::vector<std::pair<std::string, std::string>>;

// --kube-reserved / --system-reserved (resource=quantity pairs): cpu,
// memory, ephemeral-storage, pid. Throws std::invalid_argument starting with
// `flag` for another resource, a bad or negative quantity.
ResourceMap parse_reserved(const KeyValues& pairs, const std::string& flag);

// The pure arithmetic above, from a capacity (with "pid" when known).
NodeResources compute_node_resources(const ResourceMap& capacity, const ResourceMap& kube_reserved,
                                     const ResourceMap& system_reserved,
                                     const std::vector<eviction::Threshold>& thresholds);

// What kubelet sets on kubepods: cpu shares and memory limit from the
// capacity less the reservations when `enforce_pods` (else the capacity
// itself: the default shares would starve the pods), and pids.max from the
// "pid" capacity when known.
ResourceConfig kubepods_config(const ResourceMap& capacity, const ResourceMap& kube_reserved,
                               const ResourceMap& system_reserved, bool enforce_pods);

// The capacity of this host: cpu from the online CPUs, memory as given
// (the caller reads /proc/meminfo MemTotal: runtime/host_facts.h
// read_memory_capacity), ephemeral-storage from statfs of `root_dir` (its
// filesystem's size; of its nearest existing ancestor while it does not
// exist), pods = `max_pods`, hugepages from /sys/kernel/mm/hugepages
// (2Mi and 1Gi always present, 0 when none),
// "pid" from the smaller of kernel.pid_max and kernel.threads-max.
// Throws std::runtime_error naming what could not be read.
ResourceMap read_node_capacity(const std::string& root_dir, int max_pods, int64_t memory_bytes);

}  // namespace agent::cm
