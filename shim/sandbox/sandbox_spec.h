// The Docker container behind a pod sandbox: the pause ("infra") container
// that holds the pod's network, IPC and (when shared) PID namespaces.
//
// sandbox_create_request() is the pure translation of a PodSandboxConfig;
// it leaves out the security profile options (apply_sandbox_security in
// shim/security does those) and writes nothing. The mapping, field by field:
//   metadata         -> Docker name k8s_POD_<pod>_<ns>_<uid>_<attempt> and labels
//   hostname         -> Hostname (not with host network: the node's own then)
//   port_mappings    -> ExposedPorts + PortBindings (host_port 0: exposed only)
//   labels, annotations -> labels (labels.h)
//   linux.cgroup_parent -> CgroupParent (systemd driver: the slice's basename)
//   linux.sysctls    -> Sysctls
//   security_context.namespace_options: network NODE -> host (and UTS host),
//                       ipc NODE -> host else shareable (containers join it),
//                       pid NODE -> host
//   security_context.run_as_user/group -> User "uid[:gid]";
//                       supplemental_groups -> GroupAdd; readonly_rootfs
// The DNS config is written into the sandbox's resolv.conf after start
// (resolv_conf.h), because Docker's own --dns handling differs per network mode.
#pragma once

#include <cstdint>
#include <string>

#include "docker-client/types.h"
#include "runtime/v1/api.h"

namespace shim {

struct SandboxSpecInputs {
  std::string image;                     // the infra image
  std::string runtime_handler;           // as asked ("" or "docker")
  std::string cgroup_driver = "cgroupfs";  // Docker's, from its info
  int oom_score_adj = -998;              // already clamped (security/host_security.h)
  std::int64_t created_at = 0;           // Unix nanoseconds, recorded in a label
  // --network-plugin=cni: network mode "none" (CNI attaches the namespace
  // after start) and no Docker port bindings (portmap does host ports).
  bool cni_network = false;
};

// Throws CriError INVALID_ARGUMENT for a config Docker cannot take
// (missing metadata, a bad port mapping, an unknown namespace mode).
docker::ContainerCreateRequest sandbox_create_request(const cri::PodSandboxConfig& config,
                                                      const SandboxSpecInputs& inputs);

// kubelet's custom for the infra container: it is the last to be OOM-killed.
inline constexpr int kSandboxOomScoreAdj = -998;
// dockershim's and cri-dockerd's: the pause process needs next to no CPU.
inline constexpr std::int64_t kSandboxCpuShares = 2;
// Docker's default /dev/shm, stated so that pods do not depend on the daemon's.
inline constexpr std::int64_t kSandboxShmBytes = 64ll * 1024 * 1024;

}  // namespace shim
