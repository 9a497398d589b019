// The Linux security contexts of a pod's sandbox and containers, as kubelet
// builds them (kuberuntime_sandbox.go generatePodSandboxLinuxConfig,
// security_context.go determineEffectiveSecurityContext, securitycontext/
// util.go, runtime/util NamespacesForPod, kuberuntime getSeccompProfile).
#pragma once

#include <optional>

#include "agent/pod/pod_spec.h"
#include "agent/runtime/cri_configs.h"
#include "runtime/v1/api.h"

namespace agent::runtime {

// network NODE with hostNetwork else POD; ipc NODE with hostIPC else POD;
// pid NODE with hostPID else CONTAINER (no shareProcessNamespace yet).
cri::NamespaceOption pod_namespace_options(const pod::Pod& pod);

// True when any init or app container asks for privileged.
bool has_privileged_container(const pod::Pod& pod);

// The pod's runAsUser/runAsGroup (runAsGroup only with runAsUser: the pause
// container's group alone cannot be expressed and matters to nothing),
// fsGroup then supplementalGroups, the namespaces, privileged when any
// container is, seccomp always RuntimeDefault (kubelet, issue 84623).
cri::LinuxSandboxSecurityContext make_sandbox_security_context(const pod::Pod& pod);

// The container's context over the pod's: runAsUser, runAsGroup and
// runAsNonRoot from the container, else the pod; capabilities, privileged,
// readOnlyRootFilesystem from the container; no_new_privs only when
// allowPrivilegeEscalation is explicitly false; seccomp from the container,
// else the pod, else Unconfined (kubelet with seccompDefault off), Localhost
// profiles under <root>/seccomp/; fsGroup then supplementalGroups; kubelet's
// default masked and read-only /proc and /sys paths.
// Throws std::invalid_argument when runAsNonRoot cannot hold (see
// make_container_config) or runAsGroup is set with no user at all.
cri::LinuxContainerSecurityContext make_container_security_context(
    const pod::Pod& pod, const pod::Container& container, const AgentPaths& paths,
    const std::optional<ImageUser>& image_user);

}  // namespace agent::runtime
