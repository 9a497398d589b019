#include "agent/runtime/security_context.h"

#include <stdexcept>
#include <string>

namespace agent::runtime {
namespace {

// kubelet's securitycontext defaultMaskedPaths / defaultReadonlyPaths (procMount
// Default), with /proc/interrupts as recent kubelet and Docker releases mask
// it too (kubelet's per-CPU thermal_throttle entries are left out: they
// depend on the host's /sys, and this file stays pure). Sent explicitly, as
// kubelet does: cri-shim, like dockershim, passes the lists to Docker as
// given, so an empty list would unmask /proc.
const char* const kMaskedPaths[] = {
    "/proc/asound",        "/proc/acpi",       "/proc/interrupts",  "/proc/kcore",
    "/proc/keys",          "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats",
    "/proc/sched_debug",   "/proc/scsi",       "/sys/firmware",     "/sys/devices/virtual/powercap",
};
const char* const kReadonlyPaths[] = {
    "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger",
};

std::string pod_name(const pod::Pod& pod) { return pod.metadata.namespace_ + "/" + pod.metadata.name; }

// kubelet's fieldSeccompProfile.
cri::SecurityProfile seccomp_profile(const pod::SeccompProfile& profile, const AgentPaths& paths,
                                     const std::string& where) {
  cri::SecurityProfile out;
  switch (profile.type) {
    case pod::SeccompType::RuntimeDefault: out.set_profile_type(cri::SecurityProfile::RuntimeDefault); break;
    case pod::SeccompType::Unconfined: out.set_profile_type(cri::SecurityProfile::Unconfined); break;
    case pod::SeccompType::Localhost: {
      const std::string& rel = profile.localhost_profile;
      if (rel.empty())
        throw std::invalid_argument(where + ": seccompProfile type Localhost needs localhostProfile");
      // Kubernetes validates it as a relative path that stays under the root.
      if (rel.front() == '/' || rel == ".." || rel.rfind("../", 0) == 0 ||
          rel.find("/../") != std::string::npos || (rel.size() >= 3 && rel.compare(rel.size() - 3, 3, "/..") == 0))
        throw std::invalid_argument(where + ": seccomp localhostProfile \"" + rel +
                                    "\" must be a relative path without \"..\"");
      out.set_profile_type(cri::SecurityProfile::Localhost);
      out.set_localhost_ref(paths.root_dir + "/seccomp/" + rel);
      break;
    }
  }
  return out;
}

void add_groups(const pod::PodSecurityContext& psc, google::protobuf::RepeatedField<int64_t>* groups) {
  if (psc.fs_group) groups->Add(*psc.fs_group);
  for (int64_t g : psc.supplemental_groups) groups->Add(g);
}

}  // namespace

cri::NamespaceOption pod_namespace_options(const pod::Pod& pod) {
  cri::NamespaceOption ns;
  ns.set_network(pod.spec.host_network ? cri::NODE : cri::POD);
  ns.set_ipc(pod.spec.host_ipc ? cri::NODE : cri::POD);
  ns.set_pid(pod.spec.host_pid ? cri::NODE : cri::CONTAINER);
  return ns;
}

bool has_privileged_container(const pod::Pod& pod) {
  for (const auto* list : {&pod.spec.init_containers, &pod.spec.containers})
    for (const auto& c : *list)
      if (c.security_context && c.security_context->privileged.value_or(false)) return true;
  return false;
}

cri::LinuxSandboxSecurityContext make_sandbox_security_context(const pod::Pod& pod) {
  const pod::PodSecurityContext& psc = pod.spec.security_context;
  cri::LinuxSandboxSecurityContext sc;
  sc.set_privileged(has_privileged_container(pod));
  sc.mutable_seccomp()->set_profile_type(cri::SecurityProfile::RuntimeDefault);
  if (psc.run_as_user) {
    sc.mutable_run_as_user()->set_value(*psc.run_as_user);
    if (psc.run_as_group) sc.mutable_run_as_group()->set_value(*psc.run_as_group);
  }
  *sc.mutable_namespace_options() = pod_namespace_options(pod);
  add_groups(psc, sc.mutable_supplemental_groups());
  return sc;
}

cri::LinuxContainerSecurityContext make_container_security_context(const pod::Pod& pod,
                                                                  const pod::Container& container,
                                                                  const AgentPaths& paths,
                                                                  const std::optional<ImageUser>& image_user) {
  const pod::PodSecurityContext& psc = pod.spec.security_context;
  const pod::SecurityContext csc = container.security_context.value_or(pod::SecurityContext{});
  const std::string where = "pod " + pod_name(pod) + " container " + container.name;

  // determineEffectiveSecurityContext: the container's fields over the pod's.
  const std::optional<int64_t> run_as_user = csc.run_as_user ? csc.run_as_user : psc.run_as_user;
  const std::optional<int64_t> run_as_group = csc.run_as_group ? csc.run_as_group : psc.run_as_group;
  const bool run_as_non_root = csc.run_as_non_root ? *csc.run_as_non_root : psc.run_as_non_root.value_or(false);

  cri::LinuxContainerSecurityContext sc;
  if (csc.capabilities) {
    for (const auto& cap : csc.capabilities->add) sc.mutable_capabilities()->add_add_capabilities(cap);
    for (const auto& cap : csc.capabilities->drop) sc.mutable_capabilities()->add_drop_capabilities(cap);
  }
  sc.set_privileged(csc.privileged.value_or(false));
  sc.set_readonly_rootfs(csc.read_only_root_filesystem.value_or(false));
  // AddNoNewPrivileges: only an explicit allowPrivilegeEscalation: false.
  sc.set_no_new_privs(csc.allow_privilege_escalation.has_value() && !*csc.allow_privilege_escalation);

  // verifyRunAsNonRoot, then the user: the spec's, else the image's.
  if (run_as_user) {
    if (run_as_non_root && *run_as_user == 0)
      throw std::invalid_argument("container's runAsUser breaks non-root policy (" + where + ")");
    sc.mutable_run_as_user()->set_value(*run_as_user);
  } else if (image_user) {
    if (image_user->uid) {
      if (run_as_non_root && *image_user->uid == 0)
        throw std::invalid_argument("container has runAsNonRoot and image will run as root (" + where + ")");
      sc.mutable_run_as_user()->set_value(*image_user->uid);
    } else if (!image_user->username.empty()) {
      if (run_as_non_root)
        throw std::invalid_argument("container has runAsNonRoot and image has non-numeric user (" +
                                    image_user->username + "), cannot verify user is non-root (" + where + ")");
      sc.set_run_as_username(image_user->username);
    } else {
      // No user in the image means root, as kubelet reads it.
      if (run_as_non_root)
        throw std::invalid_argument("container has runAsNonRoot and image will run as root (" + where + ")");
      sc.mutable_run_as_user()->set_value(0);
    }
  }
  // Without the image's user and without runAsUser, runAsNonRoot cannot be
  // checked here; the config names no user and the runtime runs the image's.
  if (run_as_group) {
    if (!sc.has_run_as_user() && sc.run_as_username().empty())
      throw std::invalid_argument("runAsGroup " + std::to_string(*run_as_group) +
                                  " is set without runAsUser and the image's user is not known; a CRI "
                                  "runtime cannot apply a group without a user (" + where + ")");
    sc.mutable_run_as_group()->set_value(*run_as_group);
  }

  // getSeccompProfile: container, else pod, else Unconfined.
  if (csc.seccomp_profile) {
    *sc.mutable_seccomp() = seccomp_profile(*csc.seccomp_profile, paths, where);
  } else if (psc.seccomp_profile) {
    *sc.mutable_seccomp() = seccomp_profile(*psc.seccomp_profile, paths, "pod " + pod_name(pod));
  } else {
    sc.mutable_seccomp()->set_profile_type(cri::SecurityProfile::Unconfined);
  }

  *sc.mutable_namespace_options() = pod_namespace_options(pod);
  add_groups(psc, sc.mutable_supplemental_groups());
  for (const char* p : kMaskedPaths) sc.add_masked_paths(p);
  for (const char* p : kReadonlyPaths) sc.add_readonly_paths(p);
  return sc;
}

}  // namespace agent::runtime
