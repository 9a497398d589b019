// The node's /proc and cgroup parsers and readers on fixed files, and the
// filesystem readers.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "agent/stats/fs_usage.h"
#include "agent/stats/node_memory.h"
#include "agent/stats/node_proc.h"
#include "tests/agent/support/temp_dir.h"

namespace agent::stats {

TEST_CASE("node memory: cgroup v1 root, working set = usage - total_inactive_file") {
  RootMemoryFiles files;
  files.meminfo = "MemTotal:       8000000 kB\nMemFree:        1000000 kB\n";
  files.v1_usage = "5000000000\n";
  files.memory_stat = "inactive_file 5\ntotal_inactive_file 1000000000\ntotal_rss 700\ntotal_pgfault 9\ntotal_pgmajfault 1\n";
  const auto m = compute_node_memory(files, 42);
  CHECK(m.capacity_bytes == 8000000ULL * 1024);
  CHECK(m.usage_bytes == 5000000000ULL);
  CHECK(m.working_set_bytes == 4000000000ULL);
  CHECK(m.available_bytes == 8000000ULL * 1024 - 4000000000ULL);
  CHECK(m.rss_bytes == 700);
  CHECK(m.page_faults == 9);
  CHECK(m.major_page_faults == 1);
  CHECK(m.time_ns == 42);
}

TEST_CASE("node memory: cgroup v2 root from meminfo, inactive_file from the root memory.stat") {
  RootMemoryFiles files;
  files.meminfo = "MemTotal: 1000 kB\nMemFree: 200 kB\nInactive(file): 100 kB\nAnonPages: 50 kB\n";
  files.memory_stat = "anon 4096\ninactive_file 10240\npgfault 7\npgmajfault 3\n";
  const auto m = compute_node_memory(files, 0);
  CHECK(m.usage_bytes == 800 * 1024);
  CHECK(m.working_set_bytes == 800 * 1024 - 10240);
  CHECK(m.rss_bytes == 4096);
  CHECK(m.page_faults == 7);
  SUBCASE("without a root memory.stat: meminfo and vmstat") {
    files.memory_stat.reset();
    files.vmstat = "pgfault 70\npgmajfault 30\n";
    const auto n = compute_node_memory(files, 0);
    CHECK(n.working_set_bytes == 700 * 1024);
    CHECK(n.rss_bytes == 50 * 1024);
    CHECK(n.major_page_faults == 30);
  }
}

TEST_CASE("node memory: a working set above usage never goes negative") {
  RootMemoryFiles files;
  files.meminfo = "MemTotal: 10 kB\n";
  files.v1_usage = "100";
  files.memory_stat = "total_inactive_file 200\n";
  CHECK(compute_node_memory(files, 0).working_set_bytes == 0);
  files.meminfo = "MemFree: 10 kB\n";
  CHECK_THROWS(compute_node_memory(files, 0));
}

TEST_CASE("node cpu: /proc/stat's non-idle time, and nanocores between two samples") {
  const std::string stat = "cpu  100 10 50 1000 20 5 5 10 0 0\ncpu0 1 2 3 4\nbtime 1700000000\n";
  CHECK(parse_cpu_usage_ns(stat, 100) == (100 + 10 + 50 + 5 + 5 + 10) * 10000000ULL);
  CHECK(parse_boot_time(stat) == 1700000000);
  CHECK_FALSE(parse_cpu_usage_ns("intr 1 2\n", 100).has_value());
  // 0.5 s of CPU in 1 s: half a core.
  CHECK(nano_cores(1000000000ULL, 0, 1500000000ULL, 1000000000LL) == 500000000ULL);
  CHECK_FALSE(nano_cores(10, 5, 20, 5).has_value());
  CHECK_FALSE(nano_cores(10, 5, 5, 6).has_value());
}

TEST_CASE("node network: /proc/net/dev without loopback, veth and docker devices") {
  const std::string text =
      "Inter-|   Receive                                                |  Transmit\n"
      " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n"
      "    lo: 100 1 0 0 0 0 0 0 100 1 0 0 0 0 0 0\n"
      "  eth0: 5000 10 2 0 0 0 0 0 7000 12 3 0 0 0 0 0\n"
      "docker0: 1 1 0 0 0 0 0 0 1 1 0 0 0 0 0 0\n"
      "vethab12: 1 1 0 0 0 0 0 0 1 1 0 0 0 0 0 0\n";
  const auto list = node_interfaces(text);
  REQUIRE(list.size() == 1);
  CHECK(list[0].name == "eth0");
  CHECK(list[0].rx_bytes == 5000);
  CHECK(list[0].rx_errors == 2);
  CHECK(list[0].tx_bytes == 7000);
  CHECK(list[0].tx_errors == 3);
}

TEST_CASE("node rlimit: /proc/loadavg's task count") {
  CHECK(parse_loadavg_tasks("1.21 1.34 2.06 2/118 975\n") == 118);
  CHECK_FALSE(parse_loadavg_tasks("garbage").has_value());
}

namespace {
void write(const std::string& path, const std::string& text) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream(path) << text;
}
}  // namespace

TEST_CASE("task counts: the smaller of pid_max and threads-max, the tasks of loadavg") {
  agent::testing::TempDir dir;
  write(dir.file("proc/sys/kernel/pid_max"), "4194304\n");
  write(dir.file("proc/sys/kernel/threads-max"), "95000\n");
  write(dir.file("proc/loadavg"), "0.00 0.01 0.05 1/321 999\n");
  const TaskCounts counts = read_task_counts(dir.file("proc"));
  CHECK(counts.max_pid == 95000);
  CHECK(counts.cur_proc == 321);
  write(dir.file("proc/sys/kernel/threads-max"), "max\n");
  CHECK(read_task_counts(dir.file("proc")).max_pid == 4194304);
  const TaskCounts none = read_task_counts(dir.file("nothing"));
  CHECK_FALSE(none.max_pid);
  CHECK_FALSE(none.cur_proc);
}

TEST_CASE("cgroup working set: v1 total_inactive_file, v2 memory.current and inactive_file, missing files") {
  agent::testing::TempDir v1;
  write(v1.file("memory/kubepods/memory.usage_in_bytes"), "3000\n");
  write(v1.file("memory/kubepods/memory.stat"), "cache 1\ninactive_file 7\ntotal_inactive_file 500\n");
  CHECK(read_cgroup_working_set(v1.path(), "/kubepods") == 2500u);
  CHECK(read_cgroup_working_set(v1.path(), "kubepods") == 2500u);
  CHECK_FALSE(read_cgroup_working_set(v1.path(), "/absent"));
  write(v1.file("memory/small/memory.usage_in_bytes"), "100\n");
  write(v1.file("memory/small/memory.stat"), "total_inactive_file 900\n");
  CHECK(read_cgroup_working_set(v1.path(), "/small") == 0u);

  agent::testing::TempDir v2;
  write(v2.file("cgroup.controllers"), "cpu memory pids\n");
  write(v2.file("kubepods/memory.current"), "50000\n");
  write(v2.file("kubepods/memory.stat"), "anon 1\ninactive_file 10000\n");
  CHECK(read_cgroup_working_set(v2.path(), "/kubepods") == 40000u);
}

TEST_CASE("memory capacity: MemTotal in bytes, 0 when unknown") {
  agent::testing::TempDir dir;
  write(dir.file("proc/meminfo"), "MemTotal:       16318412 kB\nMemFree:  1 kB\n");
  CHECK(read_memory_capacity(dir.file("proc")) == 16318412LL * 1024);
  CHECK(read_memory_capacity(dir.file("absent")) == 0);
}

TEST_CASE("fs usage: a directory's blocks and entries, a missing one is empty") {
  agent::testing::TempDir dir;
  std::filesystem::create_directories(dir.file("v/sub"));
  {
    std::ofstream out(dir.file("v/sub/data"), std::ios::binary);
    std::string block(1 << 20, 'x');
    out << block;
  }
  const auto usage = directory_usage(dir.file("v"));
  CHECK(usage.bytes >= (1u << 20));
  CHECK(usage.inodes == 3);  // v, sub, data
  CHECK(directory_usage(dir.file("missing")).inodes == 0);
  const auto fs = stat_filesystem(dir.path());
  REQUIRE(fs.has_value());
  CHECK(fs->capacity_bytes > 0);
  CHECK(fs->capacity_bytes >= fs->available_bytes);
  // A directory not made yet is on its nearest existing ancestor's filesystem.
  const auto later = stat_filesystem(dir.file("not/made/yet"));
  REQUIRE(later.has_value());
  CHECK(later->capacity_bytes == fs->capacity_bytes);
  CHECK_FALSE(stat_filesystem(""));
}

}  // namespace agent::stats
