// The Docker container behind a CRI container: the pure translation of a
// ContainerConfig, given what the caller looked up (the sandbox, the log
// path, the OOM score floor). Security profiles (capabilities, seccomp,
// AppArmor, SELinux, masked paths, privileged) are added by the caller with
// shim/security's apply_container_security. Field by field:
//   metadata        -> Docker name k8s_<container>_<pod>_<ns>_<uid>_<attempt>, labels
//   image           -> Image, as the client named it (also kept in a label)
//   command / args  -> Entrypoint / Cmd (Docker then ignores the image's Cmd
//                      when an Entrypoint is given, as Kubernetes wants)
//   working_dir, envs, stdin, stdin_once, tty -> the same Docker fields
//   mounts          -> Binds "host:container[:ro][,propagation][,Z]"; a host
//                      path that is a symlink is resolved first
//   devices         -> Devices
//   log_path        -> the label io.kubernetes.container.logpath (full path)
//   linux.resources -> resources.h; oom_score_adj clamped to the floor
//   linux.security_context: run_as_user / run_as_username [+ run_as_group]
//                      -> User; supplemental_groups -> GroupAdd (added to the
//                      image's own groups of that user, as Docker does);
//                      namespace_options: network and IPC of the sandbox,
//                      PID of the sandbox (POD), the host (NODE), a target
//                      container (TARGET) or its own (CONTAINER)
//   stop_signal     -> StopSignal; the pod's termination grace period
//                      annotation -> StopTimeout (StopPodSandbox's grace)
// From the sandbox, not the config: CgroupParent is the sandbox's own (its
// Docker HostConfig.CgroupParent, already in the cgroup driver's syntax),
// so every container of a pod sits in the pod's cgroup, as dockershim put
// them: the pod-level limits and kubelet's QoS and node-allocatable
// enforcement apply to all of them, and the pod cgroup's usage is theirs.
#pragma once

#include <cstdint>
#include <string>

#include "docker-client/types.h"
#include "runtime/v1/api.h"
#include "shim/state/naming.h"

namespace shim {

struct ContainerSpecInputs {
  PodMetadata pod;              // the sandbox's, read from its labels
  std::string sandbox_id;       // full Docker ID
  bool sandbox_host_network = false;
  bool sandbox_host_ipc = false;
  std::string sandbox_cgroup_parent;  // the sandbox's Docker CgroupParent; "" = Docker's default
  std::string log_directory;    // the sandbox config's; "" = no log file
  int oom_score_adj_floor = -1000;  // the shim's own oom_score_adj
  std::int64_t created_at = 0;  // Unix nanoseconds
};

// Throws CriError INVALID_ARGUMENT naming the field at fault.
docker::ContainerCreateRequest container_create_request(const cri::ContainerConfig& config,
                                                        const ContainerSpecInputs& inputs);

// <log_directory>/<log_path>, refusing a log_path that is absolute or
// climbs out of the directory; "" when either part is empty.
std::string container_log_path(const std::string& log_directory, const std::string& log_path);

}  // namespace shim
