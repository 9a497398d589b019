// Pod spec -> CRI configs, as kubelet's kuberuntime builds them
// (kuberuntime_sandbox.go generatePodSandboxConfig, kuberuntime_container.go
// generateContainerConfig, kuberuntime_container_linux.go). Pure functions:
// no CRI call, no file system, so every rule is unit-tested.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "agent/pod/config_object.h"
#include "agent/pod/pod_spec.h"
#include "agent/pod/qos_class.h"
#include "runtime/v1/api.h"

namespace agent::runtime {

// Where the agent lays its files out (kubelet's --root-dir).
struct AgentPaths {
  std::string root_dir = "/var/lib/node-agent";
  // <root>/pods/<ns>_<name>_<uid>: the sandbox's log_directory; each
  // container logs to <container>/<restart>.log under it.
  std::string pod_log_dir(const pod::Pod& pod) const;
  // <root>/pods/<uid>: what the agent keeps for a pod besides its logs.
  std::string pod_state_dir(const std::string& uid) const;
  // The UIDs that have a pod_state_dir now (read from the disk).
  std::vector<std::string> pod_state_uids() const;
  // <root>/pods/<uid>/containers/<container>/<restart>: the host file
  // bind-mounted at the container's terminationMessagePath.
  std::string termination_message_file(const pod::Pod& pod, const std::string& container,
                                       uint32_t restart_count) const;
};

// What the node adds to the pod spec: its name, the host's resolv.conf for
// dnsPolicy Default / ClusterFirst without cluster DNS, and the cluster DNS
// when the agent is given one.
struct NodeContext {
  std::string node_name;
  std::string host_ip;
  std::vector<std::string> cluster_dns;   // empty: no cluster DNS (ClusterFirst falls back to Default)
  std::string cluster_domain = "cluster.local";
  // The host's resolver (kubelet's --resolv-conf), the base of dnsPolicy
  // Default and of ClusterFirst's search list. The caller reads the file
  // (host_facts.h) so that this stays pure; empty lists make an empty
  // DNSConfig for Default, which leaves the runtime's own resolv.conf.
  std::vector<std::string> host_nameservers;
  std::vector<std::string> host_searches;
  std::vector<std::string> host_options;  // "ndots:2", "rotate", ...
  // The pod's cgroup parent (cm/: kubelet's GetPodCgroupParent, sent as
  // LinuxPodSandboxConfig.cgroup_parent); unset or "": the runtime's
  // default parent (--cgroups-per-qos=false).
  std::function<std::string(const pod::Pod&)> cgroup_parent;
};

// kubelet's generatePodSandboxConfig: hostname (none on the host network),
// log_directory = paths.pod_log_dir, DNS (dns_config.h), every app
// container port as a port mapping, labels and annotations
// (runtime_labels.h), the pod's security context (security_context.h).
// A Pod the manifest parser accepted always translates; the contract keeps
// std::invalid_argument for a spec CRI cannot express.
cri::PodSandboxConfig make_sandbox_config(const pod::Pod& pod, uint32_t attempt,
                                                    const AgentPaths& paths, const NodeContext& node);

// The values fieldRef env vars may name (status.podIP is known only once
// the sandbox runs).
struct PodEnvContext {
  std::string pod_ip;
  std::vector<std::string> pod_ips;
  std::string host_ip;
  std::string node_name;
  // The node's memory capacity in bytes (kubelet's machine info; MemTotal
  // of /proc/meminfo, host_facts.h read_memory_capacity), for the
  // OOM score of a Burstable container. 0: unknown, the score is then 999
  // (just below BestEffort's 1000) whatever the memory request.
  int64_t node_memory_bytes = 0;
  // The ConfigMaps and Secrets env refs and envFrom read (objects/);
  // unset: none exists.
  std::function<std::optional<pod::ConfigObject>(pod::ObjectKind, const std::string& namespace_,
                                                 const std::string& name)>
      objects;
};

// The user an image runs as, from CRI ImageStatus (Image.uid, Image.username),
// as kubelet's getImageUser reads it: a numeric uid, else a user name, and
// neither means root.
struct ImageUser {
  std::optional<int64_t> uid;
  std::string username;
};

// `restart_count` is the container's attempt; `image_ref` the image as
// resolved by the runtime (ImageStatus id), used in the config's image
// ("" falls back to the spec's image; user_specified_image is always the
// spec's).
// `image_user`, when given, is the image's user (kubelet's getImageUser):
// without runAsUser in the spec, the config runs as it, and runAsNonRoot is
// checked against it (uid 0, or no user at all, is refused; a non-numeric
// user name cannot be verified and is refused too). When it is not given,
// the config names no user (the runtime uses the image's USER) and
// runAsNonRoot without runAsUser cannot be checked here: only an explicit
// runAsUser 0 is refused.
// Throws std::invalid_argument (runAsNonRoot broken, runAsGroup without any
// user, a fieldRef the agent cannot resolve, a bad Localhost seccomp path).
cri::ContainerConfig make_container_config(const pod::Pod& pod, const pod::Container& container,
                                                     uint32_t restart_count, bool init,
                                                     const std::string& image_ref, const AgentPaths& paths,
                                                     const PodEnvContext& env,
                                                     const std::optional<ImageUser>& image_user = std::nullopt);

// Requests and limits as kubelet converts them (milliCPUToShares,
// milliCPUToQuota with a 100 ms period, memory limit bytes). No
// oom_score_adj: that depends on the whole pod (container_oom_score_adj).
cri::LinuxContainerResources make_linux_resources(const pod::ResourceRequirements& resources);

// The pod's QoS class: pod/qos_class.h.
using pod::pod_qos_class;
using pod::QosClass;
using pod::to_string;

// kubelet's GetContainerOOMScoreAdjust: Guaranteed -997, BestEffort 1000,
// Burstable 1000 - 1000 * memory request / node memory, kept within 3..999.
int64_t container_oom_score_adj(const pod::Pod& pod, const pod::Container& container, int64_t node_memory_bytes);

}  // namespace agent::runtime
