// Killing what a Docker exec started, which Docker itself cannot do: it has
// no exec-kill call, and a killed exec's children would live on.
//
// runc makes every exec'd process a session leader, so its children (a
// shell's commands, background jobs) share its session ID; a child that
// starts a session of its own is still its descendant. Both are found in
// /proc (exec/process_table.h) and must run in the container's cgroup.
//
// PIDs are recycled, so a process counts only when its start time fits:
// nothing of the exec started before the exec was started, and the exec's
// own process started before Docker last reported it running. Each signal
// goes through a pidfd opened and checked first, so a PID that was recycled
// between the check and the kill is never signalled.
//
// Thread-safe: no state; blocks the calling thread for at most `patience`.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "shim/exec_sync/process_table.h"

namespace shim::exec {

// One exec, as Docker's exec inspect and the shim's clock describe it.
struct ExecProcessTarget {
  pid_t pid = 0;              // the exec's host PID (exec inspect "Pid")
  bool running = false;       // whether that inspect said Running
  std::string container_id;   // full ID
  std::uint64_t started_after_ticks = 0;  // boot_ticks_now() before the exec was started
  std::uint64_t seen_running_ticks = 0;   // boot_ticks_now() after that inspect answered
};

// Which of `processes` belong to the exec and still live, youngest first and
// the exec's own process last (a shell then gets the chance to reap its
// children before it dies; orphans would become zombies of the container's
// init, which may never reap them). `in_container` tells whether a PID runs
// in the target's container (in_container_cgroup in production).
std::vector<ProcessInfo> select_exec_processes(const std::vector<ProcessInfo>& processes,
                                               const ExecProcessTarget& target,
                                               const std::function<bool(pid_t)>& in_container);

struct KillReport {
  int killed = 0;          // SIGKILLs delivered
  bool all_gone = false;   // no process of the exec is left alive
};

// SIGKILLs every process of the exec, rounds after rounds (a dying shell may
// still start a command), until none is left alive or `patience` ran out.
KillReport kill_exec_processes(const ExecProcessTarget& target,
                               std::chrono::milliseconds patience = std::chrono::seconds(2));

}  // namespace shim::exec
