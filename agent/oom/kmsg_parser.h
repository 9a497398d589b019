// Kernel OOM kills out of the kernel log (/dev/kmsg), as cadvisor's
// oomparser reads them for kubelet's OOM watcher; pure text handling.
//
// A /dev/kmsg record is "<prio>,<seq>,<usec>,<flags>;<text>\n", possibly
// followed by continuation lines starting with a space (" KEY=value"),
// which carry nothing needed here. Two messages tell of a kill:
//   oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=...,
//     mems_allowed=0,oom_memcg=/docker/<id>,task_memcg=/docker/<id>,task=sh,pid=42,uid=0
//   Memory cgroup out of memory: Killed process 42 (sh) total-vm:...
// Kernels since 4.19 write both (the first has everything); older ones only
// the second, so it counts alone only when no oom-kill line named its pid.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace agent::oom {

struct OomKill {
  int64_t pid = 0;
  std::string process;      // the task's comm
  std::string constraint;   // CONSTRAINT_MEMCG, CONSTRAINT_NONE, ... ("" from the legacy line)
  std::string oom_memcg;    // the cgroup that ran out ("/" for the whole node)
  std::string task_memcg;   // the cgroup of the killed task
};

// The text of one kmsg record ("6,1234,5678,-;hello" -> "hello"); the
// line as it is when it has no header (a test's plain line).
std::string_view record_text(std::string_view record);

// Feeds the kernel log one line at a time; returns a kill when a line
// completes one.
class KmsgParser {
 public:
  std::optional<OomKill> feed(std::string_view line);

 private:
  int64_t last_oom_kill_pid_ = 0;  // the last modern line's pid: its "Killed process" is the same kill
};

// Where a task's memory cgroup says the task ran: the CRI container ID
// (Docker's 64 hex digits) and, under kubelet's hierarchy, the pod UID.
//   /kubepods/burstable/pod<uid>/<id>                   cgroupfs driver
//   /kubepods.slice/.../kubepods-...-pod<uid_>.slice/docker-<id>.scope   systemd
//   /docker/<id>                                        Docker without a parent
struct ContainerCgroup {
  std::string container_id;
  std::string pod_uid;  // "" when not under a pod cgroup
};
std::optional<ContainerCgroup> container_of_cgroup(std::string_view cgroup);

// kubelet's event message: "System OOM encountered, victim process: sh, pid: 42".
std::string system_oom_message(const OomKill& kill);

}  // namespace agent::oom
