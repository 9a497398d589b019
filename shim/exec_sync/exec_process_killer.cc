// Finding and killing an exec's processes: exec/exec_process_killer.h.
#include "shim/exec_sync/exec_process_killer.h"

#include <errno.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <thread>
#include <unordered_map>
#include <unordered_set>

namespace shim::exec {

namespace {

// The exec's own process: that PID, started while the exec was being started
// and before Docker reported it running.
bool is_exec_leader(const ProcessInfo& process, const ExecProcessTarget& target) {
  return target.running && process.pid == target.pid &&
         process.start_ticks >= target.started_after_ticks &&
         process.start_ticks <= target.seen_running_ticks;
}

// Sends SIGKILL to `process` only if its PID still names that very process
// (same start time). Returns whether a signal was delivered.
bool kill_if_same(const ProcessInfo& process) {
  // A pidfd pins the process: once it is open and the start time checked, a
  // recycled PID cannot receive the signal (kernel 5.3+; kill() before that).
  const int pidfd = static_cast<int>(syscall(SYS_pidfd_open, process.pid, 0));
  if (pidfd < 0 && errno != ENOSYS) return false;  // gone (ESRCH)
  const auto now = read_process(process.pid);
  bool sent = false;
  if (now && now->alive() && now->start_ticks == process.start_ticks) {
    sent = pidfd >= 0 ? syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, nullptr, 0) == 0
                      : ::kill(process.pid, SIGKILL) == 0;
  }
  if (pidfd >= 0) close(pidfd);
  return sent;
}

}  // namespace

std::vector<ProcessInfo> select_exec_processes(const std::vector<ProcessInfo>& processes,
                                               const ExecProcessTarget& target,
                                               const std::function<bool(pid_t)>& in_container) {
  if (target.pid <= 0) return {};
  std::unordered_map<pid_t, std::vector<const ProcessInfo*>> children;
  for (const auto& process : processes) children[process.ppid].push_back(&process);

  // Roots: the exec's own process and the members of its session (they
  // outlive it as orphans); then everything they started, whatever session.
  std::vector<const ProcessInfo*> pending;
  for (const auto& process : processes) {
    const bool member = process.pid != target.pid && process.session == target.pid &&
                        process.start_ticks >= target.started_after_ticks;
    if (member || is_exec_leader(process, target)) pending.push_back(&process);
  }
  std::unordered_set<pid_t> seen;
  std::vector<ProcessInfo> selected;
  while (!pending.empty()) {
    const ProcessInfo* process = pending.back();
    pending.pop_back();
    if (!seen.insert(process->pid).second) continue;
    // A child starts after its parent; an older "child" is a recycled PID's.
    for (const ProcessInfo* child : children[process->pid])
      if (child->start_ticks >= process->start_ticks) pending.push_back(child);
    if (process->alive() && in_container(process->pid)) selected.push_back(*process);
  }
  std::sort(selected.begin(), selected.end(), [&](const ProcessInfo& a, const ProcessInfo& b) {
    const bool a_leader = a.pid == target.pid, b_leader = b.pid == target.pid;
    if (a_leader != b_leader) return b_leader;
    return a.start_ticks > b.start_ticks;
  });
  return selected;
}

KillReport kill_exec_processes(const ExecProcessTarget& target, std::chrono::milliseconds patience) {
  using Clock = std::chrono::steady_clock;
  const auto give_up = Clock::now() + patience;
  const auto in_container = [&](pid_t pid) { return in_container_cgroup(pid, target.container_id); };
  KillReport report;
  while (true) {
    const auto victims = select_exec_processes(list_processes(), target, in_container);
    if (victims.empty()) {
      report.all_gone = true;
      return report;
    }
    if (Clock::now() >= give_up) return report;
    bool killed_a_child = false;
    for (const auto& process : victims) {
      if (process.pid == target.pid && killed_a_child)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));  // let a shell reap them
      if (kill_if_same(process)) {
        ++report.killed;
        killed_a_child = killed_a_child || process.pid != target.pid;
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

}  // namespace shim::exec
