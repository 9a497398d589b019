#include <doctest/doctest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "shim/sandbox/pod_cgroup.h"

namespace fs = std::filesystem;

namespace {
std::string slurp(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// A fake root with /proc/<pid>/cgroup and the pod's cgroup directories.
struct FakeRoot {
  fs::path root = fs::temp_directory_path() / ("cri-shim-podcg-" + std::to_string(::getpid()));
  FakeRoot() { fs::remove_all(root); }
  ~FakeRoot() { fs::remove_all(root); }
  void process(int pid, const std::string& cgroup_file) {
    fs::create_directories(root / "proc" / std::to_string(pid));
    std::ofstream(root / "proc" / std::to_string(pid) / "cgroup") << cgroup_file;
  }
  fs::path dir(const std::string& relative) {
    fs::create_directories(root / "sys/fs/cgroup" / relative);
    return root / "sys/fs/cgroup" / relative;
  }
  // The cgroup mounts, as /proc/self/mountinfo lists them.
  void v1_mounts() {
    fs::create_directories(root);
    std::ofstream out(root / "mountinfo");
    for (const char* name : {"cpu,cpuacct", "memory", "cpuset"})
      out << "30 25 0:26 / " << (root / "sys/fs/cgroup" / name).string() << " rw,nosuid - cgroup cgroup rw," << name
          << "\n";
  }
  void v2_mount() {
    fs::create_directories(root);
    std::ofstream(root / "mountinfo") << "30 25 0:26 / " << (root / "sys/fs/cgroup").string()
                                      << " rw,nosuid - cgroup2 cgroup2 rw\n";
  }
  std::vector<std::string> write(int pid, const shim::PodCgroupLimits& limits) {
    return shim::write_pod_cgroup_limits(pid, limits, (root / "proc").string(), (root / "mountinfo").string());
  }
};
}  // namespace

TEST_CASE("pod cgroup limits: containers' resources plus the sandbox overhead") {
  docker::Resources resources, overhead;
  resources.cpu_shares = 1024;
  resources.cpu_period = 100000;
  resources.cpu_quota = 150000;
  resources.memory = 256 << 20;
  resources.cpuset_cpus = "0-1";
  overhead.cpu_shares = 10;
  overhead.cpu_quota = 10000;
  overhead.memory = 16 << 20;
  const auto limits = shim::pod_cgroup_limits(resources, overhead);
  CHECK(limits.cpu_shares == 1034);
  CHECK(limits.cpu_period == 100000);
  CHECK(limits.cpu_quota == 160000);
  CHECK(limits.memory == (272 << 20));
  CHECK(limits.cpuset_cpus == "0-1");

  SUBCASE("no quota or memory limit for the containers: none for the pod, whatever the overhead") {
    docker::Resources unlimited;
    const auto l = shim::pod_cgroup_limits(unlimited, overhead);
    CHECK(l.cpu_quota == 0);
    CHECK(l.memory == 0);
    CHECK(l.cpu_shares == 10);
  }
}

TEST_CASE("cpu.weight from cpu.shares, as runc converts") {
  CHECK(shim::cpu_weight_for_shares(2) == 1);
  CHECK(shim::cpu_weight_for_shares(1024) == 39);
  CHECK(shim::cpu_weight_for_shares(262144) == 10000);
  CHECK(shim::cpu_weight_for_shares(0) == 0);
}

TEST_CASE("pod cgroup limits go to the parent of the sandbox's cgroup: v1") {
  FakeRoot fake;
  fake.process(7, "11:cpu,cpuacct:/kubepods/podA/abc\n9:memory:/kubepods/podA/abc\n4:cpuset:/kubepods/podA/abc\n0::/\n");
  const auto cpu = fake.dir("cpu,cpuacct/kubepods/podA");
  const auto memory = fake.dir("memory/kubepods/podA");
  const auto cpuset = fake.dir("cpuset/kubepods/podA");
  shim::PodCgroupLimits limits;
  limits.cpu_shares = 512;
  limits.cpu_period = 50000;
  limits.cpu_quota = 25000;
  limits.memory = 64 << 20;
  limits.cpuset_cpus = "0";
  fake.v1_mounts();
  const auto written = fake.write(7, limits);
  CHECK(written.size() == 5);
  CHECK(slurp(cpu / "cpu.shares") == "512");
  CHECK(slurp(cpu / "cpu.cfs_period_us") == "50000");
  CHECK(slurp(cpu / "cpu.cfs_quota_us") == "25000");
  CHECK(slurp(memory / "memory.limit_in_bytes") == std::to_string(64 << 20));
  CHECK(slurp(cpuset / "cpuset.cpus") == "0");
  CHECK_FALSE(fs::exists(cpuset / "cpuset.mems"));  // not asked for: untouched
}

TEST_CASE("pod cgroup limits go to the parent of the sandbox's cgroup: v2") {
  FakeRoot fake;
  fake.process(8, "0::/kubepods.slice/kubepods-podB.slice/docker-abc.scope\n");
  const auto pod = fake.dir("kubepods.slice/kubepods-podB.slice");
  shim::PodCgroupLimits limits;
  limits.cpu_shares = 1024;
  limits.cpu_quota = 50000;
  limits.memory = 128 << 20;
  fake.v2_mount();
  fake.write(8, limits);
  CHECK(slurp(pod / "cpu.weight") == "39");
  CHECK(slurp(pod / "cpu.max") == "50000 100000");
  CHECK(slurp(pod / "memory.max") == std::to_string(128 << 20));
}

TEST_CASE("pod cgroup limits: an unknown process or a missing directory is an error naming it") {
  FakeRoot fake;
  shim::PodCgroupLimits limits;
  limits.memory = 1 << 20;
  fake.v1_mounts();
  CHECK_THROWS_WITH_AS(fake.write(99, limits), doctest::Contains("/proc/99/cgroup"), std::runtime_error);
  fake.process(9, "9:memory:/gone/abc\n");
  CHECK_THROWS_WITH_AS(fake.write(9, limits), doctest::Contains("memory.limit_in_bytes"), std::runtime_error);
}
