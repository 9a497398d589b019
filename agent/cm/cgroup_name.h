// kubelet's cgroup names (pkg/kubelet/cm cgroup_manager_linux.go CgroupName,
// qos_container_manager_linux.go, pod_container_manager_linux.go). Pure.
//
// A cgroup is named by its components from the root of the hierarchy,
// whatever the driver; the driver only decides how that name is spelt:
//
//   components                           cgroupfs                    systemd
//   [kubepods]                           /kubepods                   /kubepods.slice
//   [kubepods, burstable]                /kubepods/burstable         /kubepods.slice/kubepods-burstable.slice
//   [kubepods, burstable, pod<uid>]      /kubepods/burstable/pod<uid>
//                                        /kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod<uid_>.slice
//
// (systemd: each component's '-' becomes '_', and every ancestor is a slice
// whose name is the joined components). Guaranteed pods sit directly under
// kubepods, Burstable ones under kubepods/burstable, BestEffort ones under
// kubepods/besteffort. With --cgroup-root, everything moves under it.
//
// What kubelet sends as LinuxPodSandboxConfig.cgroup_parent is the pod
// cgroup's name in the driver's spelling (the full slice path for systemd;
// the runtime takes its basename).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "agent/cm/qos_class.h"

namespace agent::cm {

enum class CgroupDriver { Cgroupfs, Systemd };
const char* to_string(CgroupDriver driver);  // "cgroupfs", "systemd"
// "cgroupfs" or "systemd"; throws std::invalid_argument naming the value.
CgroupDriver parse_cgroup_driver(std::string_view text);

using CgroupName = std::vector<std::string>;

// The driver-specific spelling of `name`: a path from the hierarchy's
// root, always starting with '/' ("/" for the root itself).
std::string to_path(CgroupDriver driver, const CgroupName& name);

// Where kubelet's cgroups go: the driver, and --cgroup-root as components.
struct CgroupLayout {
  CgroupDriver driver = CgroupDriver::Cgroupfs;
  CgroupName root;  // [] for "/"

  // --cgroup-root as the driver reads it: a cgroupfs path ("/", "/a/b"), or
  // for systemd a path or a slice name ("a-b.slice" is [a, b]). Throws
  // std::invalid_argument for a relative path or a ".." component.
  static CgroupLayout make(CgroupDriver driver, std::string_view cgroup_root);

  CgroupName kubepods() const;
  // The parent of a pod of this class: kubepods itself for Guaranteed.
  CgroupName qos_cgroup(QosClass qos) const;
  CgroupName pod_cgroup(QosClass qos, const std::string& uid) const;
  // kubelet's GetPodCgroupParent: to_path(pod_cgroup(class of `pod`, uid)).
  std::string cgroup_parent(const pod::Pod& pod) const;
  std::string path(const CgroupName& name) const { return to_path(driver, name); }
};

// The pod UID of a pod cgroup's last component ("pod<uid>"), in either
// spelling (systemd: "kubepods-burstable-pod<uid with _>.slice"); nullopt
// for anything else (a QoS cgroup, a container's cgroup).
std::optional<std::string> pod_uid_of(std::string_view component);

}  // namespace agent::cm
