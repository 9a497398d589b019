// Finding an exec's processes: /proc stat parsing and the selection rules
// (session, descendants, start times against recycled PIDs, the container).
#include <doctest/doctest.h>

#include <unistd.h>

#include <algorithm>
#include <vector>

#include "shim/exec_sync/exec_process_killer.h"
#include "shim/exec_sync/process_table.h"

using shim::exec::ExecProcessTarget;
using shim::exec::ProcessInfo;

namespace {

ProcessInfo process(pid_t pid, pid_t ppid, pid_t session, std::uint64_t start, char state = 'S') {
  ProcessInfo p;
  p.pid = pid;
  p.ppid = ppid;
  p.session = session;
  p.start_ticks = start;
  p.state = state;
  return p;
}

std::vector<pid_t> pids(const std::vector<ProcessInfo>& processes) {
  std::vector<pid_t> out;
  for (const auto& p : processes) out.push_back(p.pid);
  return out;
}

ExecProcessTarget target() {
  ExecProcessTarget t;
  t.pid = 100;
  t.running = true;
  t.container_id = std::string(64, 'c');
  t.started_after_ticks = 1000;
  t.seen_running_ticks = 1010;
  return t;
}

const auto everywhere = [](pid_t) { return true; };

}  // namespace

TEST_CASE("parse_proc_stat: fields counted after the command name's last ')'") {
  const auto info = shim::exec::parse_proc_stat(
      "4242 (a) (b c) S 17 4242 4242 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 987654 1234 5 "
      "18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n");
  REQUIRE(info);
  CHECK(info->pid == 4242);
  CHECK(info->state == 'S');
  CHECK(info->ppid == 17);
  CHECK(info->session == 4242);
  CHECK(info->start_ticks == 987654);
  CHECK_FALSE(shim::exec::parse_proc_stat("garbage"));
  CHECK_FALSE(shim::exec::parse_proc_stat("12 (x) S 1 2"));  // cut short
}

TEST_CASE("read_process and in_container_cgroup on this very process") {
  const auto self = shim::exec::read_process(getpid());
  REQUIRE(self);
  CHECK(self->ppid == getppid());
  CHECK(self->alive());
  CHECK(self->start_ticks <= shim::exec::boot_ticks_now());
  CHECK_FALSE(shim::exec::in_container_cgroup(getpid(), std::string(64, 'f')));
  const auto all = shim::exec::list_processes();
  CHECK(std::any_of(all.begin(), all.end(), [](const ProcessInfo& p) { return p.pid == getpid(); }));
}

TEST_CASE("select_exec_processes: the leader last, its session and descendants youngest first") {
  const std::vector<ProcessInfo> table = {
      process(1, 0, 1, 10),            // the container's init
      process(100, 50, 100, 1001),     // the exec's process (a shell)
      process(101, 100, 100, 1002),    // its job
      process(102, 1, 100, 1003),      // an orphaned background job, now init's
      process(103, 101, 103, 1004),    // started its own session: still a descendant
      process(104, 103, 104, 1005),    // and its child
      process(200, 1, 200, 1001),      // someone else in the container
  };
  CHECK(pids(select_exec_processes(table, target(), everywhere)) ==
        std::vector<pid_t>{104, 103, 102, 101, 100});
}

TEST_CASE("select_exec_processes ignores the dead, other containers and recycled PIDs") {
  SUBCASE("zombies are not selected, their live children are") {
    const std::vector<ProcessInfo> table = {process(100, 50, 100, 1001, 'Z'),
                                            process(101, 100, 100, 1002)};
    CHECK(pids(select_exec_processes(table, target(), everywhere)) == std::vector<pid_t>{101});
  }
  SUBCASE("outside the container") {
    const std::vector<ProcessInfo> table = {process(100, 50, 100, 1001), process(101, 100, 100, 1002)};
    CHECK(pids(select_exec_processes(table, target(), [](pid_t pid) { return pid != 101; })) ==
          std::vector<pid_t>{100});
  }
  SUBCASE("the exec's PID, recycled after Docker saw it running") {
    const std::vector<ProcessInfo> table = {process(100, 50, 100, 1011)};
    CHECK(select_exec_processes(table, target(), everywhere).empty());
  }
  SUBCASE("a process older than the exec is never one of it") {
    const std::vector<ProcessInfo> table = {process(100, 50, 100, 1001), process(101, 100, 100, 999),
                                            process(102, 1, 100, 998)};
    CHECK(pids(select_exec_processes(table, target(), everywhere)) == std::vector<pid_t>{100});
  }
  SUBCASE("the exec's process exited: not its PID, still its session") {
    auto exited = target();
    exited.running = false;
    const std::vector<ProcessInfo> table = {process(100, 50, 100, 1001), process(102, 1, 100, 1003)};
    CHECK(pids(select_exec_processes(table, exited, everywhere)) == std::vector<pid_t>{102});
  }
  SUBCASE("no PID, nothing") {
    auto none = target();
    none.pid = 0;
    const std::vector<ProcessInfo> table = {process(0, 0, 0, 1001)};
    CHECK(select_exec_processes(table, none, everywhere).empty());
  }
}
