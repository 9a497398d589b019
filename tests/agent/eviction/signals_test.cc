// eviction/signals and signal_reader: the arithmetic from readings to
// observations, and the reader on fixed files.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

#include "agent/eviction/signal_reader.h"
#include "agent/eviction/signals.h"

namespace agent::eviction {
namespace {

namespace fs = std::filesystem;

constexpr int64_t kMi = 1024 * 1024;

struct TempDir {
  fs::path path;
  TempDir() {
    char name[] = "/tmp/eviction-signals-XXXXXX";
    path = ::mkdtemp(name);
  }
  ~TempDir() { fs::remove_all(path); }
  void write(const std::string& relative, const std::string& text) const {
    fs::create_directories((path / relative).parent_path());
    std::ofstream(path / relative) << text;
  }
};

TEST_CASE("observations: each signal from its readings, a missing reading leaves its signals out") {
  NodeReadings r;
  r.memory_total = 8192 * kMi;
  r.root_working_set = 8000 * kMi;
  r.allocatable_memory = 300 * kMi;
  r.pods_working_set = 250 * kMi;
  r.nodefs = FsReading{1000, 90, 500, 20};
  r.pid_max = 32768;
  r.tasks = 700;
  const auto o = observe(r);
  CHECK(o.at(Signal::MemoryAvailable) == Observation{192 * kMi, 8192 * kMi});
  CHECK(o.at(Signal::AllocatableMemoryAvailable) == Observation{50 * kMi, 300 * kMi});
  CHECK(o.at(Signal::NodeFsAvailable) == Observation{90, 1000});
  CHECK(o.at(Signal::NodeFsInodesFree) == Observation{20, 500});
  CHECK(o.at(Signal::PidAvailable) == Observation{32068, 32768});
  CHECK(o.count(Signal::ImageFsAvailable) == 0);
  CHECK(o.count(Signal::ImageFsInodesFree) == 0);

  NodeReadings empty;
  CHECK(observe(empty).empty());
}

TEST_CASE("node allocatable memory: capacity minus both reservations and the hard memory.available threshold") {
  const auto thresholds = parse_thresholds({{"memory.available", "100Mi"}}, {}, {}, {});
  CHECK(allocatable_memory(1024 * kMi, {{"cpu", "1"}, {"memory", "500Mi"}}, {{"memory", "24Mi"}}, thresholds) ==
        400 * kMi);
  CHECK(allocatable_memory(1024 * kMi, {}, {}, {}) == 1024 * kMi);
  CHECK(allocatable_memory(100 * kMi, {{"memory", "1Gi"}}, {}, thresholds) == 0);
  const auto percent = parse_thresholds({{"memory.available", "10%"}}, {}, {}, {});
  CHECK(allocatable_memory(1000, {}, {}, percent) == 900);
  CHECK_THROWS_AS(allocatable_memory(1000, {{"memory", "much"}}, {}, {}), std::invalid_argument);
}

TEST_CASE("allocatableMemory.available copies each hard memory.available threshold when pods are enforced") {
  const auto base = parse_thresholds({{"memory.available", "100Mi"}, {"nodefs.available", "10%"}},
                                     {{"memory.available", "1Gi"}}, {{"memory.available", "1m"}}, {});
  const auto with = with_allocatable_thresholds(base, {"pods"});
  REQUIRE(with.size() == 4);
  CHECK(with[3].signal == Signal::AllocatableMemoryAvailable);
  CHECK(with[3].value.quantity == 100 * kMi);
  CHECK(with[3].hard());
  CHECK(with_allocatable_thresholds(base, {}).size() == 3);
  CHECK(with_allocatable_thresholds(base, {"system-reserved"}).size() == 3);
}

TEST_CASE("the reader on cgroup v1 files: root and pods working sets, pid limits, statfs of the node filesystem") {
  TempDir dir;
  dir.write("proc/meminfo", "MemTotal:        1048576 kB\nMemFree: 10 kB\n");
  dir.write("proc/sys/kernel/pid_max", "4194304\n");
  dir.write("proc/sys/kernel/threads-max", "95000\n");
  dir.write("proc/loadavg", "0.00 0.01 0.05 1/321 999\n");
  dir.write("cgroup/memory/memory.usage_in_bytes", std::to_string(600 * kMi) + "\n");
  dir.write("cgroup/memory/memory.stat", "cache 1\ntotal_inactive_file " + std::to_string(100 * kMi) + "\n");
  dir.write("cgroup/memory/kubepods/memory.usage_in_bytes", std::to_string(300 * kMi) + "\n");
  dir.write("cgroup/memory/kubepods/memory.stat", "total_inactive_file " + std::to_string(50 * kMi) + "\n");
  SignalPaths paths{(dir.path / "proc").string(), (dir.path / "cgroup").string(), "/kubepods", dir.path.string()};
  SignalReader reader(paths, [&] { return std::optional<std::string>(dir.path.string()); }, 400 * kMi);
  const auto r = reader.read();
  CHECK(r.memory_total == 1024 * kMi);
  CHECK(r.root_working_set == 500 * kMi);
  CHECK(r.pods_working_set == 250 * kMi);
  CHECK(r.allocatable_memory == 400 * kMi);
  CHECK(r.pid_max == 95000);
  CHECK(r.tasks == 321);
  REQUIRE(r.nodefs);
  CHECK(r.nodefs->capacity_bytes > 0);
  CHECK(r.nodefs->available_bytes <= r.nodefs->capacity_bytes);
  REQUIRE(r.imagefs);
  const auto o = observe(r);
  CHECK(o.at(Signal::MemoryAvailable).available == 524 * kMi);
  CHECK(o.at(Signal::AllocatableMemoryAvailable).available == 150 * kMi);
}

TEST_CASE("the reader without the pods' cgroup falls back to the pods' own sum; v2 reads memory.current") {
  TempDir dir;
  dir.write("proc/meminfo", "MemTotal: 2048 kB\nMemFree: 1024 kB\n");
  dir.write("cgroup/memory/memory.usage_in_bytes", "1000\n");
  dir.write("cgroup/memory/memory.stat", "total_inactive_file 0\n");
  SignalReader v1({(dir.path / "proc").string(), (dir.path / "cgroup").string(), "/kubepods", ""}, {},
                  1000, [] { return std::optional<int64_t>(123); });
  const auto r = v1.read();
  CHECK(r.pods_working_set == 123);
  CHECK_FALSE(r.nodefs);
  CHECK_FALSE(r.imagefs);
  CHECK_FALSE(r.pid_max);

  TempDir v2dir;
  v2dir.write("proc/meminfo", "MemTotal: 2048 kB\nMemFree: 1024 kB\n");
  v2dir.write("cgroup/cgroup.controllers", "cpu memory pids\n");
  v2dir.write("cgroup/memory.stat", "inactive_file 24576\n");
  v2dir.write("cgroup/kubepods/memory.current", "50000\n");
  v2dir.write("cgroup/kubepods/memory.stat", "anon 1\ninactive_file 10000\n");
  SignalReader v2({(v2dir.path / "proc").string(), (v2dir.path / "cgroup").string(), "kubepods", "/nonexistent"}, {},
                  std::nullopt);
  const auto r2 = v2.read();
  CHECK(r2.pods_working_set == 40000);
  CHECK(r2.root_working_set == 1024 * 1024 - 24576);  // MemTotal - MemFree - inactive_file
  CHECK_FALSE(r2.allocatable_memory);
}

}  // namespace
}  // namespace agent::eviction
