// Pod spec -> CRI configs, as kubelet's kuberuntime builds them
// (kuberuntime_sandbox.go generatePodSandboxConfig, kuberuntime_container.go
// generateContainerConfig, kuberuntime_container_linux.go). Pure functions:
// no CRI call, no file system, so every rule is unit-tested.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "agent/pod/pod_spec.h"
#include "runtime/v1/api.h"

namespace agent::runtime {

// Where the agent lays its files out (kubelet's --root-dir).
struct AgentPaths {
  std::string root_dir = "/var/lib/node-agent";
  // <root>/pods/<ns>_<name>_<uid>: the sandbox's log_directory; each
  // container logs to <container>/<restart>.log under it.
  std::string pod_log_dir(const pod::Pod& pod) const;
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
};

// Throws std::invalid_argument for a spec that cannot be expressed in CRI.
::runtime::v1::PodSandboxConfig make_sandbox_config(const pod::Pod& pod, uint32_t attempt,
                                                    const AgentPaths& paths, const NodeContext& node);

// The values fieldRef env vars may name (status.podIP is known only once
// the sandbox runs).
struct PodEnvContext {
  std::string pod_ip;
  std::vector<std::string> pod_ips;
  std::string host_ip;
  std::string node_name;
};

// `restart_count` is the container's attempt; `image_ref` the image as
// resolved by the runtime (ImageStatus id), used in the config's image.
// Throws std::invalid_argument (e.g. runAsNonRoot with runAsUser 0).
::runtime::v1::ContainerConfig make_container_config(const pod::Pod& pod, const pod::Container& container,
                                                     uint32_t restart_count, bool init,
                                                     const std::string& image_ref, const AgentPaths& paths,
                                                     const PodEnvContext& env);

// Requests and limits as kubelet converts them (milliCPUToShares,
// milliCPUToQuota with a 100 ms period, memory limit bytes).
::runtime::v1::LinuxContainerResources make_linux_resources(const pod::ResourceRequirements& resources);

}  // namespace agent::runtime
