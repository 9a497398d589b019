// The stats readers against sample cgroup v1 and v2 files and /proc texts,
// the CPU rate between samples, and the CRI and metric conversions.
#include <doctest/doctest.h>

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "shim/stats/cgroup_paths.h"
#include "shim/stats/cgroup_v1.h"
#include "shim/stats/cgroup_v2.h"
#include "shim/stats/cri_stats.h"
#include "shim/stats/metrics.h"
#include "shim/stats/sample_store.h"

namespace fs = std::filesystem;
using namespace shim::stats;

namespace {

struct TempDir {
  TempDir() {
    char pattern[] = "/tmp/cri-shim-stats-XXXXXX";
    REQUIRE(mkdtemp(pattern) != nullptr);
    path = pattern;
  }
  ~TempDir() { fs::remove_all(path); }
  void write(const std::string& relative, const std::string& content) const {
    fs::create_directories((path / relative).parent_path());
    std::ofstream(path / relative) << content;
  }
  fs::path path;
};

// From a Debian 12 host with cgroup v1 (cgroupfs driver): cpu and cpuacct
// mounted apart, a v2 mount for systemd only.
constexpr const char* kMountinfoV1 =
    "31 23 0:28 / /sys/fs/cgroup ro,nosuid,nodev,noexec shared:9 - tmpfs tmpfs ro,mode=755\n"
    "32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n"
    "33 31 0:30 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct\n"
    "35 31 0:32 / /sys/fs/cgroup/memory rw,relatime shared:14 - cgroup cgroup rw,memory\n"
    "39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids\n"
    "40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,xattr,name=systemd\n"
    "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw,nsdelegate\n"
    "50 23 0:50 / /var/lib/docker/overlay2/x/merged rw - overlay overlay rw,lowerdir=a\n";

constexpr const char* kProcCgroupV1 =
    "9:name=systemd:/docker/abc\n"
    "8:pids:/docker/abc\n"
    "4:memory:/docker/abc\n"
    "2:cpuacct:/docker/abc\n"
    "1:cpu:/docker/abc\n"
    "0::/docker/abc\n";

// memory.stat of a v1 container, trimmed (the non-total lines are the
// cgroup's own; the total_ ones are hierarchical, which is what counts).
constexpr const char* kMemoryStatV1 =
    "cache 12288\nrss 53248\ninactive_file 4096\n"
    "total_cache 1048576\ntotal_rss 2097152\ntotal_pgfault 1039\ntotal_pgmajfault 2\n"
    "total_inactive_file 524288\ntotal_active_file 524288\n";

constexpr const char* kMemoryStatV2 =
    "anon 3145728\nfile 1048576\nkernel_stack 16384\nactive_file 262144\n"
    "inactive_file 786432\npgfault 4242\npgmajfault 7\n";

}  // namespace

TEST_CASE("/proc/<pid>/cgroup lines give a path per controller, v2 under the empty key") {
  const auto paths = parse_proc_cgroup("11:cpu,cpuacct:/kubepods/pod1/c1\n4:memory:/m\n0::/u\n");
  CHECK(paths.at("cpu") == "/kubepods/pod1/c1");
  CHECK(paths.at("cpuacct") == "/kubepods/pod1/c1");
  CHECK(paths.at("memory") == "/m");
  CHECK(paths.at("") == "/u");
}

TEST_CASE("cgroup mounts are found in mountinfo with their controllers") {
  const auto mounts = parse_cgroup_mounts(kMountinfoV1);
  REQUIRE(mounts.size() == 6);  // neither tmpfs nor overlay
  CHECK(mounts[0].mount_point == "/sys/fs/cgroup/cpu");
  CHECK(mounts[0].controllers == std::vector<std::string>{"cpu"});
  CHECK(mounts[4].controllers == std::vector<std::string>{"xattr", "name=systemd"});
  CHECK(mounts[5].v2);
}

TEST_CASE("a hybrid host is read as v1, each controller in its own hierarchy") {
  const auto dirs = resolve_cgroup_dirs(parse_proc_cgroup(kProcCgroupV1),
                                        parse_cgroup_mounts(kMountinfoV1));
  REQUIRE(dirs);
  CHECK_FALSE(dirs->v2);
  CHECK(dirs->dir("memory") == "/sys/fs/cgroup/memory/docker/abc");
  CHECK(dirs->dir("cpuacct") == "/sys/fs/cgroup/cpuacct/docker/abc");
  CHECK(dirs->dir("pids") == "/sys/fs/cgroup/pids/docker/abc");
  CHECK(dirs->dir("blkio").empty());
}

TEST_CASE("a pure v2 host, systemd driver, and a mount of a sub-tree") {
  const char* mountinfo = "30 23 0:26 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw\n";
  const auto dirs = resolve_cgroup_dirs(
      parse_proc_cgroup("0::/system.slice/docker-abc.scope\n"), parse_cgroup_mounts(mountinfo));
  REQUIRE(dirs);
  CHECK(dirs->v2);
  CHECK(dirs->dir("memory") == "/sys/fs/cgroup/system.slice/docker-abc.scope");

  // Inside a cgroup namespace the mount's root is a sub-tree.
  const char* nested = "30 23 0:26 /kubepods /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n";
  const auto inner = resolve_cgroup_dirs(parse_proc_cgroup("0::/kubepods/pod1/c1\n"),
                                         parse_cgroup_mounts(nested));
  REQUIRE(inner);
  CHECK(inner->unified == "/sys/fs/cgroup/pod1/c1");
  CHECK_FALSE(resolve_cgroup_dirs(parse_proc_cgroup("0::/elsewhere\n"), parse_cgroup_mounts(nested)));
  CHECK_FALSE(resolve_cgroup_dirs(parse_proc_cgroup(""), parse_cgroup_mounts(mountinfo)));
}

TEST_CASE("cgroup v1: working set is usage minus total_inactive_file; no limit is unlimited") {
  TempDir root;
  root.write("cpuacct/c/cpuacct.usage", "45209814\n");
  root.write("pids/c/pids.current", "3\n");
  root.write("memory/c/memory.usage_in_bytes", "4194304\n");
  root.write("memory/c/memory.limit_in_bytes", "9223372036854771712\n");
  root.write("memory/c/memory.stat", kMemoryStatV1);
  root.write("memory/c/memory.memsw.usage_in_bytes", "4194304\n");
  root.write("memory/c/memory.memsw.limit_in_bytes", "9223372036854771712\n");
  CgroupDirs dirs;
  dirs.v1 = {{"cpuacct", (root.path / "cpuacct/c").string()},
             {"pids", (root.path / "pids/c").string()},
             {"memory", (root.path / "memory/c").string()}};
  auto sample = read_cgroup_v1(dirs);
  CHECK(sample.cpu_usage_ns == 45209814u);
  CHECK(sample.pids == 3u);
  CHECK(sample.memory_usage == 4194304u);
  CHECK(sample.working_set == 4194304u - 524288u);
  CHECK(sample.rss == 2097152u);
  CHECK(sample.page_faults == 1039u);
  CHECK(sample.major_page_faults == 2u);
  CHECK_FALSE(sample.memory_limit);
  CHECK(sample.swap_usage == 0u);
  CHECK_FALSE(sample.swap_limit);

  // A 64 MiB limit with 32 MiB more for swap, 1 MiB of it swapped out.
  root.write("memory/c/memory.limit_in_bytes", "67108864\n");
  root.write("memory/c/memory.memsw.limit_in_bytes", "100663296\n");
  root.write("memory/c/memory.memsw.usage_in_bytes", "5242880\n");
  sample = read_cgroup_v1(dirs);
  CHECK(sample.memory_limit == 67108864u);
  CHECK(sample.swap_limit == 33554432u);
  CHECK(sample.swap_usage == 1048576u);

  // Inactive file pages beyond usage (they are counted at different
  // moments) give 0, never a wrapped number.
  root.write("memory/c/memory.usage_in_bytes", "1000\n");
  CHECK(read_cgroup_v1(dirs).working_set == 0u);

  // No memsw files (swap accounting off): swap unknown.
  fs::remove(root.path / "memory/c/memory.memsw.usage_in_bytes");
  fs::remove(root.path / "memory/c/memory.memsw.limit_in_bytes");
  sample = read_cgroup_v1(dirs);
  CHECK_FALSE(sample.swap_usage);
  CHECK_FALSE(sample.swap_limit);
}

TEST_CASE("cgroup v2: cpu.stat in microseconds, memory.current minus inactive_file, max is no limit") {
  TempDir root;
  root.write("cpu.stat", "usage_usec 2500000\nuser_usec 2000000\nsystem_usec 500000\n");
  root.write("pids.current", "5\n");
  root.write("memory.current", "8388608\n");
  root.write("memory.max", "max\n");
  root.write("memory.stat", kMemoryStatV2);
  root.write("memory.swap.current", "4096\n");
  root.write("memory.swap.max", "max\n");
  auto sample = read_cgroup_v2(root.path.string());
  CHECK(sample.cpu_usage_ns == 2500000000u);
  CHECK(sample.pids == 5u);
  CHECK(sample.memory_usage == 8388608u);
  CHECK(sample.working_set == 8388608u - 786432u);
  CHECK(sample.rss == 3145728u);
  CHECK(sample.page_faults == 4242u);
  CHECK(sample.major_page_faults == 7u);
  CHECK_FALSE(sample.memory_limit);
  CHECK(sample.swap_usage == 4096u);
  CHECK_FALSE(sample.swap_limit);

  root.write("memory.max", "16777216\n");
  root.write("memory.swap.max", "1048576\n");
  sample = read_cgroup_v2(root.path.string());
  CHECK(sample.memory_limit == 16777216u);
  CHECK(sample.swap_limit == 1048576u);
}

TEST_CASE("usage_nano_cores is the growth of the cumulative usage over the time between samples") {
  SampleStore store(std::chrono::milliseconds(500));
  const std::int64_t second = 1'000'000'000;
  CHECK_FALSE(store.nano_cores("c", 10 * second, 5 * second));
  // Half a core over two seconds.
  CHECK(store.nano_cores("c", 12 * second, 6 * second) == 500'000'000u);
  // Within the window: the last rate again, the base kept.
  CHECK(store.nano_cores("c", 12 * second + 1000, 7 * second) == 500'000'000u);
  // One more second at two cores from the kept base (12 s, 6 s).
  CHECK(store.nano_cores("c", 13 * second, 8 * second) == 2'000'000'000u);
  // A counter that went back (restart): starts over.
  CHECK_FALSE(store.nano_cores("c", 14 * second, 1 * second));
  CHECK(store.nano_cores("c", 15 * second, 1 * second) == 0u);
  store.nano_cores("other", 15 * second, 0);
  CHECK(store.size() == 2);
  store.prune(std::chrono::seconds(60), 15 * second + 61 * second);
  CHECK(store.size() == 0);
}

TEST_CASE("a pod's sample is the sum of its members; one unlimited member makes it unlimited") {
  CgroupSample a, b;
  a.cpu_usage_ns = 10;
  a.memory_limit = 100;
  b.cpu_usage_ns = 5;
  b.pids = 2;
  CgroupSample sum = a;
  sum.add(a);
  CHECK(sum.memory_limit == 200u);
  sum.add(b);
  CHECK(sum.cpu_usage_ns == 25u);
  CHECK(sum.pids == 2u);
  CHECK_FALSE(sum.memory_limit);
}

TEST_CASE("CRI stats: available is limit minus working set; a stopped container has zeros") {
  ContainerReading reading;
  reading.timestamp_ns = 77;
  reading.running = true;
  reading.cgroup.cpu_usage_ns = 1000;
  reading.cgroup.memory_usage = 600;
  reading.cgroup.working_set = 400;
  reading.cgroup.memory_limit = 1000;
  reading.nano_cores = 5;
  shim::stats::FsUsage layer;
  layer.used_bytes = 8192;
  layer.inodes_used = 3;
  layer.timestamp_ns = 70;
  reading.writable_layer = layer;
  reading.writable_layer_dir = "/var/lib/docker/overlay2/abc/diff";
  cri::ContainerStats stats;
  fill_container_stats(reading, &stats);
  CHECK(stats.cpu().timestamp() == 77);
  CHECK(stats.cpu().usage_core_nano_seconds().value() == 1000u);
  CHECK(stats.cpu().usage_nano_cores().value() == 5u);
  CHECK(stats.memory().available_bytes().value() == 600u);
  CHECK(stats.memory().working_set_bytes().value() == 400u);
  CHECK_FALSE(stats.memory().has_rss_bytes());  // unknown stays unset
  CHECK_FALSE(stats.has_swap());
  CHECK(stats.writable_layer().fs_id().mountpoint() == "/var/lib/docker/overlay2");
  CHECK(stats.writable_layer().used_bytes().value() == 8192u);
  CHECK(stats.writable_layer().inodes_used().value() == 3u);

  ContainerReading stopped;
  stopped.timestamp_ns = 88;
  cri::ContainerStats none;
  fill_container_stats(stopped, &none);
  CHECK(none.cpu().timestamp() == 88);
  CHECK(none.memory().timestamp() == 88);
  CHECK(none.cpu().usage_core_nano_seconds().value() == 0u);
  CHECK(none.memory().working_set_bytes().value() == 0u);
}

TEST_CASE("CRI pod stats: network interfaces with eth0 as default, process count") {
  PodReading pod;
  pod.timestamp_ns = 5;
  pod.running = true;
  pod.cgroup.pids = 4;
  pod.interfaces = {{"net1", 1, 2, 3, 4}, {"eth0", 10, 0, 20, 0}};
  cri::PodSandboxStats stats;
  fill_pod_stats(pod, &stats);
  CHECK(stats.linux().network().default_interface().name() == "eth0");
  CHECK(stats.linux().network().default_interface().tx_bytes().value() == 20u);
  CHECK(stats.linux().network().interfaces_size() == 2);
  CHECK(stats.linux().process().process_count().value() == 4u);
  CHECK(stats.linux().cpu().timestamp() == 5);
}

TEST_CASE("every metric carries one label value per key of its descriptor") {
  std::map<std::string, int> keys;
  for (const auto& descriptor : metric_descriptors())
    keys[descriptor.name()] = descriptor.label_keys_size();
  CHECK(keys.count("container_cpu_usage_seconds_total"));
  CHECK(keys.count("container_memory_working_set_bytes"));
  CHECK(keys.count("container_network_receive_bytes_total"));

  ContainerReading reading;
  reading.running = true;
  reading.cgroup.cpu_usage_ns = 3'500'000'000;
  reading.cgroup.memory_usage = 10;
  reading.cgroup.working_set = 9;
  reading.cgroup.rss = 8;
  reading.cgroup.page_faults = 7;
  reading.cgroup.pids = 1;
  reading.writable_layer = shim::stats::FsUsage{4096, 1, 1};
  reading.writable_layer_dir = "/d/overlay2/x/diff";
  cri::Container container;
  container.set_id("cid");
  container.mutable_metadata()->set_name("app");
  container.mutable_image()->set_image("busybox");
  cri::ContainerMetrics metrics;
  fill_container_metrics(reading, container, &metrics);
  CHECK(metrics.container_id() == "cid");
  bool cpu_seen = false;
  for (const auto& metric : metrics.metrics()) {
    REQUIRE(keys.count(metric.name()));
    CHECK(metric.label_values_size() == keys[metric.name()]);
    if (metric.name() == "container_cpu_usage_seconds_total") {
      cpu_seen = true;
      CHECK(metric.value().value() == 3u);
      CHECK(metric.metric_type() == cri::COUNTER);
      CHECK(metric.label_values(0) == "cid");
      CHECK(metric.label_values(1) == "app");
      CHECK(metric.label_values(2) == "busybox");
    }
  }
  CHECK(cpu_seen);

  PodReading pod;
  pod.interfaces = {{"eth0", 10, 0, 20, 0}};
  cri::PodSandbox sandbox;
  sandbox.set_id("pid");
  cri::PodSandboxMetrics pod_metrics;
  fill_pod_metrics(pod, sandbox, &pod_metrics);
  REQUIRE(pod_metrics.metrics_size() == 4);
  for (const auto& metric : pod_metrics.metrics())
    CHECK(metric.label_values_size() == keys[metric.name()]);
  CHECK(pod_metrics.metrics(0).label_values(3) == "eth0");
}
