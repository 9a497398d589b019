// oom/kmsg_parser: kmsg records, the kernel's OOM lines (modern and legacy),
// container cgroups, and kubelet's SystemOOM message.
#include <doctest/doctest.h>

#include "agent/oom/kmsg_parser.h"

namespace agent::oom {
namespace {

const std::string kId = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

TEST_CASE("record_text strips the kmsg header and the newline") {
  CHECK(record_text("6,1234,5678901,-;hello world\n") == "hello world");
  CHECK(record_text("3,99,1,c;a;b") == "a;b");
  CHECK(record_text("plain line; with a semicolon") == "plain line; with a semicolon");
  CHECK(record_text("") == "");
}

TEST_CASE("the modern oom-kill line gives the whole kill; its Killed process line is the same kill") {
  KmsgParser parser;
  CHECK_FALSE(parser.feed("4,100,1,-;stress invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=1000"));
  CHECK_FALSE(parser.feed("6,101,2,-;memory: usage 65536kB, limit 65536kB, failcnt 77"));
  const auto kill = parser.feed(
      "6,102,3,-;oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/docker/" +
      kId + ",task_memcg=/docker/" + kId + ",task=stress,pid=4242,uid=0");
  REQUIRE(kill);
  CHECK(kill->pid == 4242);
  CHECK(kill->process == "stress");
  CHECK(kill->constraint == "CONSTRAINT_MEMCG");
  CHECK(kill->oom_memcg == "/docker/" + kId);
  CHECK(kill->task_memcg == "/docker/" + kId);
  CHECK_FALSE(parser.feed("3,103,4,-;Memory cgroup out of memory: Killed process 4242 (stress) total-vm:80000kB, "
                          "anon-rss:65000kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:200kB oom_score_adj:1000"));
}

TEST_CASE("a cpuset with commas and a node-wide OOM") {
  KmsgParser parser;
  const auto kill = parser.feed(
      "oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=0-1,3,mems_allowed=0,oom_memcg=/,task_memcg=/"
      "process_api/abc,task=java,pid=7,uid=1000");
  REQUIRE(kill);
  CHECK(kill->oom_memcg == "/");
  CHECK(kill->task_memcg == "/process_api/abc");
  CHECK(kill->process == "java");
  CHECK(kill->pid == 7);
}

TEST_CASE("a legacy kernel's Killed process line alone is a kill") {
  KmsgParser parser;
  const auto kill = parser.feed("3,5,6,-;Out of memory: Killed process 1234 (my proc) score 900 or sacrifice child");
  REQUIRE(kill);
  CHECK(kill->pid == 1234);
  CHECK(kill->process == "my proc");
  CHECK(kill->task_memcg.empty());
  CHECK_FALSE(parser.feed("Killed process x (y)"));
  CHECK_FALSE(parser.feed("oom-kill:constraint=CONSTRAINT_NONE,task=,pid=abc,uid=0"));
  CHECK_FALSE(parser.feed("6,7,8,-;eth0: link up"));
}

TEST_CASE("container cgroups: cgroupfs pods, Docker's own and systemd's scopes") {
  auto c = container_of_cgroup("/kubepods/burstable/pod1b2c3d4e-0000-1111-2222-333344445555/" + kId);
  REQUIRE(c);
  CHECK(c->container_id == kId);
  CHECK(c->pod_uid == "1b2c3d4e-0000-1111-2222-333344445555");
  c = container_of_cgroup("/docker/" + kId);
  REQUIRE(c);
  CHECK(c->container_id == kId);
  CHECK(c->pod_uid.empty());
  c = container_of_cgroup(
      "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod1b2c3d4e_0000_1111_2222_333344445555.slice/"
      "docker-" + kId + ".scope");
  REQUIRE(c);
  CHECK(c->container_id == kId);
  CHECK(c->pod_uid == "1b2c3d4e-0000-1111-2222-333344445555");
  CHECK_FALSE(container_of_cgroup("/"));
  CHECK_FALSE(container_of_cgroup("/process_api/f018df1a963c97bbc63e583880f14d2b"));
  CHECK_FALSE(container_of_cgroup("/kubepods/burstable/podabc"));
}

TEST_CASE("kubelet's SystemOOM message") {
  OomKill kill;
  kill.process = "stress";
  kill.pid = 42;
  CHECK(system_oom_message(kill) == "System OOM encountered, victim process: stress, pid: 42");
  CHECK(system_oom_message(OomKill{}) == "System OOM encountered");
}

}  // namespace
}  // namespace agent::oom
