// The host's processes as /proc shows them: just what finding and killing
// the processes of a Docker exec needs (parent, session, start time, cgroup).
//
// Reads /proc of the shim's own PID namespace, so the shim must run in the
// host's (as it does beside dockerd); a process that exits while it is read
// is simply absent. Thread-safe: no state.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace shim::exec {

struct ProcessInfo {
  pid_t pid = 0;
  pid_t ppid = 0;
  pid_t session = 0;  // the session ID: the PID of the session's leader
  char state = '?';   // 'R', 'S', 'D', 'Z' (zombie), 'X' (dead), ...
  // Start time in clock ticks since boot, /proc's own unit (boot_ticks_now()).
  std::uint64_t start_ticks = 0;

  // A zombie or dead process has nothing left to kill.
  bool alive() const { return state != 'Z' && state != 'X'; }
};

// Parses the text of /proc/<pid>/stat. The command name may hold spaces and
// parentheses, so the fields are counted after its last ')'. nullopt when the
// text is not a stat line.
std::optional<ProcessInfo> parse_proc_stat(std::string_view text);

// /proc/<pid>/stat, parsed; nullopt when the process is gone.
std::optional<ProcessInfo> read_process(pid_t pid);

// Every process of /proc (those that vanish meanwhile are left out).
std::vector<ProcessInfo> list_processes();

// True when /proc/<pid>/cgroup names a cgroup of the container (its full ID
// appears in a cgroup path, as with Docker's cgroupfs "/docker/<id>" and
// systemd "docker-<id>.scope" drivers, under any parent).
bool in_container_cgroup(pid_t pid, const std::string& container_id);

// Now, on the clock of ProcessInfo::start_ticks (CLOCK_BOOTTIME in ticks).
std::uint64_t boot_ticks_now();

}  // namespace shim::exec
