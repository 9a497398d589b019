// Where a process's cgroups are on disk, for cgroup v1 and v2, whatever the
// cgroup driver (cgroupfs: /docker/<id>, systemd: /system.slice/docker-<id>.scope,
// or kubelet's pod parents): read from /proc/<pid>/cgroup and the cgroup
// mounts in /proc/self/mountinfo rather than guessed from Docker's settings.
//
// Hybrid hosts (v1 controllers and a v2 mount for systemd only) are read as
// v1: the controllers that hold the figures are there.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace shim::stats {

// /proc/<pid>/cgroup: controller -> path inside its hierarchy. A v1 line
// "4:memory:/docker/x" gives "memory"; "2:cpu,cpuacct:/p" gives both
// "cpu" and "cpuacct"; the v2 line "0::/p" gives the key "".
std::map<std::string, std::string> parse_proc_cgroup(std::string_view content);

struct CgroupMount {
  std::string root;         // the hierarchy's path mounted there ("/" normally)
  std::string mount_point;  // "/sys/fs/cgroup/memory"
  bool v2 = false;
  std::vector<std::string> controllers;  // v1 only: "memory", "cpu", "name=systemd", ...
};

// The cgroup and cgroup2 mounts of a mountinfo file.
std::vector<CgroupMount> parse_cgroup_mounts(std::string_view mountinfo);

struct CgroupDirs {
  bool v2 = false;
  std::string unified;                       // v2: the cgroup's directory
  std::map<std::string, std::string> v1;     // v1: controller -> directory
  // The directory of `controller` (v1) or the unified one (v2); "" if unknown.
  std::string dir(const std::string& controller) const;
};

// The process's cgroup directories; nullopt when neither a v1 memory
// hierarchy nor a v2 mount covers it.
std::optional<CgroupDirs> resolve_cgroup_dirs(const std::map<std::string, std::string>& proc_cgroup,
                                              const std::vector<CgroupMount>& mounts);

}  // namespace shim::stats
