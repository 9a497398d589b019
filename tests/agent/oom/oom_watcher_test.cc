// oom/oom_watcher on a plain file standing in for /dev/kmsg, and
// oom_killed_containers' OOMKilled reasons.
#include <doctest/doctest.h>

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>
#include <vector>

#include "agent/oom/oom_killed_containers.h"
#include "agent/oom/oom_watcher.h"

namespace agent::oom {
namespace {

using namespace std::chrono_literals;

TEST_CASE("the watcher reports kills written after it started, not those before; stop joins it") {
  char name[] = "/tmp/oom-watcher-XXXXXX";
  const int fd = ::mkstemp(name);
  REQUIRE(fd >= 0);
  ::close(fd);
  {
    std::ofstream old(name);
    old << "6,1,1,-;Out of memory: Killed process 1 (before) score 1\n";
  }
  std::mutex mutex;
  std::vector<OomKill> kills;
  OomWatcher watcher(name, [&](const OomKill& k) {
    std::lock_guard lock(mutex);
    kills.push_back(k);
  });
  REQUIRE(watcher.start());
  {
    std::ofstream log(name, std::ios::app);
    log << "6,2,2,-;oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/a,"
           "task_memcg=/a,task=hog,pid=77,uid=0\n"
        << " SUBSYSTEM=memory\n"
        << "3,3,3,-;Memory cgroup out of memory: Killed process 77 (hog) total-vm:1kB\n";
    log.flush();
    log << "3,4,4,-;Out of memory: Killed process 78 (ot";
    log.flush();
    std::this_thread::sleep_for(150ms);
    log << "her) score 5\n";
  }
  for (int i = 0; i < 50; ++i) {
    {
      std::lock_guard lock(mutex);
      if (kills.size() >= 2) break;
    }
    std::this_thread::sleep_for(50ms);
  }
  watcher.stop();
  std::filesystem::remove(name);
  std::lock_guard lock(mutex);
  REQUIRE(kills.size() == 2);
  CHECK(kills[0].process == "hog");
  CHECK(kills[0].task_memcg == "/a");
  CHECK(kills[1].process == "other");
  CHECK(kills[1].pid == 78);
}

TEST_CASE("a log that cannot be opened is reported, not thrown") {
  OomWatcher watcher("/nonexistent/kmsg", {});
  CHECK_FALSE(watcher.start());
  watcher.stop();
}

TEST_CASE("OOM-killed containers get reason OOMKilled where the runtime said otherwise") {
  OomKilledContainers killed(2);
  killed.add("aaa");
  status::PodStatus s;
  status::ContainerStatus c;
  c.name = "c";
  c.container_id = "docker://aaa";
  c.state.terminated = status::ContainerStateTerminated{137, 0, "Error", "", 0, 0, "docker://aaa"};
  c.last_state.terminated = status::ContainerStateTerminated{1, 0, "Error", "", 0, 0, "docker://old"};
  s.container_statuses.push_back(c);
  killed.mark(s);
  CHECK(s.container_statuses[0].state.terminated->reason == "OOMKilled");
  CHECK(s.container_statuses[0].last_state.terminated->reason == "Error");
  CHECK(killed.contains("docker://aaa"));
  killed.add("bbb");
  killed.add("ccc");  // capacity 2: "aaa" goes
  CHECK_FALSE(killed.contains("aaa"));
  CHECK(killed.contains("ccc"));
}

}  // namespace
}  // namespace agent::oom
