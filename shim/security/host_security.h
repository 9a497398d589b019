// What this host lets the shim grant to containers: its capability bounding
// set, its own oom_score_adj, and whether AppArmor and seccomp exist.
//
// Why it matters: Docker's privileged mode (and cap_add "ALL") asks runc for
// every capability Docker knows; when the shim's bounding set lacks one of
// them (VMs, nested or rootless setups; a host without CAP_SYS_RESOURCE),
// runc cannot start the container at all ("unable to apply caps"). The shim
// then builds privileged from its parts with only the capabilities it has
// (security_options.h). Likewise a process without CAP_SYS_RESOURCE cannot
// lower an oom_score_adj below its own, so runc fails on a lower one.
//
// Probe once at start-up; the values do not change while the shim runs. The
// parsing is pure (parse_*), the probe only reads files.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "docker-client/types.h"

namespace shim::security {

struct HostSecurity {
  std::uint64_t bounding_set = ~0ull;  // CapBnd of /proc/self/status
  int last_cap = 40;                   // /proc/sys/kernel/cap_last_cap
  // The highest capability the Docker daemon accepts: Docker 20.10 (API 1.41)
  // refuses CAP_PERFMON, CAP_BPF, CAP_CHECKPOINT_RESTORE ("unknown
  // capability") and leaves them out of privileged; 23.0 (API 1.42) knows
  // them. Set it from the negotiated API version: docker_last_cap_for_api().
  int docker_last_cap = 37;
  int own_oom_score_adj = 0;       // /proc/self/oom_score_adj
  bool apparmor_enabled = false;   // /sys/module/apparmor/parameters/enabled is "Y"
  bool seccomp_enabled = true;     // the kernel has seccomp ("Seccomp:" in /proc/self/status)

  // Reads the files above under `root` ("/" in production; a fake tree in
  // tests). Never throws: a missing or unreadable file leaves the default
  // and logs a warning. docker_last_cap is left at its default.
  static HostSecurity probe(const std::string& root = "/");

  // The highest capability number the shim may grant: min(last_cap,
  // docker_last_cap, kMaxKnownCapability).
  int grantable_last_cap() const;
  // Whether every capability 0..grantable_last_cap() is in the bounding set,
  // i.e. whether Docker's own privileged mode can start a container here.
  bool has_all_capabilities() const;
  bool allows(int capability) const;  // in the bounding set and <= grantable_last_cap()
  // Docker names ("CAP_CHOWN", ...) of every capability allows() accepts, by number.
  std::vector<std::string> allowed_capabilities() const;
};

// ---- pure parsers (text of the files HostSecurity::probe reads)

// The CapBnd mask of /proc/<pid>/status; nullopt when absent or malformed.
std::optional<std::uint64_t> parse_cap_bnd(std::string_view status_text);
// Whether /proc/<pid>/status has a "Seccomp:" line (kernel built with seccomp).
bool parse_seccomp_supported(std::string_view status_text);
// A file holding one decimal integer and maybe a newline ("40\n", "-998\n").
std::optional<int> parse_int(std::string_view text);
// /sys/module/apparmor/parameters/enabled: "Y\n" means enabled.
bool parse_apparmor_enabled(std::string_view text);
// The highest capability a daemon of this API version ("1.41") accepts:
// 37 below 1.42, 40 from 1.42 on; 37 when the version does not parse.
int docker_last_cap_for_api(std::string_view api_version);

// ---- devices and OOM score

// Every character and block device under dev_root, recursively, each mapped
// to the same path inside the container with permissions "rwm": what a
// privileged container sees. Skipped as runc's HostDevices skips them:
// symlinks, the directories pts, shm, mqueue, fd, .lxc, .lxd-mounts, .udev
// (the container gets its own), and "console" (runc sets up its own).
// Unreadable entries are skipped. Sorted by path.
std::vector<docker::DeviceMapping> host_devices(const std::string& dev_root = "/dev");

// The OOM score adjustment to ask Docker for: `wanted`, but never lower than
// the shim's own (without CAP_SYS_RESOURCE it cannot be lowered, and runc
// would then fail to start the container), and within [-1000, 1000].
int clamp_oom_score_adj(int wanted, const HostSecurity& host);

}  // namespace shim::security
