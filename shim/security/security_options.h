// A CRI Linux security context applied onto a Docker HostConfig, following
// containerd's CRI server where CRI says what a field means and cri-dockerd
// where only Docker's API can express it.
//
// What is done here: privileged, capabilities, SELinux labels, read-only
// rootfs, no_new_privs, masked and read-only paths, seccomp and AppArmor.
// What the caller does: run_as_user/group/username, supplemental groups,
// namespace options, OOM score (host_security.h: clamp_oom_score_adj), and
// refusing a privileged container in an unprivileged sandbox.
//
// Rules:
// - privileged: plain Docker privileged when host.has_all_capabilities();
//   otherwise privileged from its parts (apply_privileged). Under privileged,
//   capabilities, SELinux options, masked/read-only paths, seccomp and
//   AppArmor are ignored, as containerd does; readonly_rootfs and
//   no_new_privs still hold.
// - capabilities: names with or without "CAP_", any case; an unknown name is
//   INVALID_ARGUMENT. add "ALL" = every capability the host allows (not
//   Docker's "ALL", which asks for ones the host may lack) minus the drops;
//   drop "ALL" = CapDrop ["ALL"] plus the explicit adds (Docker: adds win
//   over drop ALL). An added capability the host does not allow (outside
//   the bounding set, or unknown to this Docker) is left out with a warning:
//   asking runc for it would fail the whole container ("unable to apply
//   caps"); the container runs with less, never more. Drops of such
//   capabilities are left out silently (already absent).
//   add_ambient_capabilities: Docker has no ambient set; ignored, warned.
// - seccomp: the `seccomp` field wins over the deprecated path. Unset =
//   unconfined (CRI: kubelet says what it wants). RuntimeDefault = Docker's
//   default profile; Unconfined = "seccomp=unconfined"; Localhost = the JSON
//   file at localhost_ref (absolute path), sent as its content (Docker's API
//   takes content, not paths). Deprecated seccomp_profile_path:
//   "runtime/default" | "docker/default" | "unconfined" | "localhost/<path>".
//   Kernel without seccomp: nothing is applied, but a Localhost profile is
//   INVALID_ARGUMENT (it cannot be honoured).
// - AppArmor, only where the host has it: unset or RuntimeDefault = Docker's
//   docker-default; Unconfined = "apparmor=unconfined"; Localhost =
//   "apparmor=<profile name>". Deprecated apparmor_profile: "runtime/default"
//   | "unconfined" | "localhost/<name>". Host without AppArmor: ignored, but
//   a Localhost profile is INVALID_ARGUMENT ("apparmor is not supported"),
//   as containerd does.
// - masked_paths / readonly_paths: sent exactly as given, an empty list too
//   (containerd's semantics: kubelet sends Docker's defaults explicitly for
//   procMount Default and nothing for Unmasked).
//
// Errors are shim::CriError INVALID_ARGUMENT naming the field, e.g.
// `security_context.capabilities.add_capabilities: unknown capability "FOO"`.
#pragma once

#include <string>

#include "docker-client/types.h"
#include "runtime/v1/api.h"
#include "shim/security/host_security.h"

namespace shim {
}

namespace shim::security {

// A container's security context (CreateContainer).
void apply_container_security(const cri::LinuxContainerSecurityContext& sc, const HostSecurity& host,
                              docker::HostConfig& hc);

// A sandbox's security context, onto the infra container (RunPodSandbox).
void apply_sandbox_security(const cri::LinuxSandboxSecurityContext& sc, const HostSecurity& host,
                            docker::HostConfig& hc);

// Privileged. With every capability Docker knows in the bounding set:
// hc.privileged. Otherwise the parts, since Docker's privileged cannot
// start a container there: CapAdd = host.allowed_capabilities(), no CapDrop,
// every host device (host_devices(dev_root)) plus device cgroup rules
// allowing all, seccomp and AppArmor unconfined, "label=disable" (as Docker
// does for privileged), no masked or read-only paths, and host /sys
// bind-mounted read-write over Docker's read-only sysfs.
// Caveat of that /sys (Docker offers no read-write sysfs of the container's
// own, short of privileged): it is the host's sysfs, recursively, so a
// container in the pod network sees and can write the host's network devices
// under /sys/class/net, and the host's whole cgroup tree at /sys/fs/cgroup
// instead of its own. Exact for host-network pods, where most privileged
// pods run. Verified on Docker 20.10 (cgroup v1): the user mount replaces
// Docker's sysfs; the container starts with every allowed capability.
void apply_privileged(const HostSecurity& host, docker::HostConfig& hc,
                      const std::string& dev_root = "/dev");

// The pieces, for callers and tests.
void apply_capabilities(const cri::Capability& caps, const HostSecurity& host, docker::HostConfig& hc);
void apply_selinux_options(const cri::SELinuxOption& options, docker::HostConfig& hc);

}  // namespace shim::security
