// Cgroup values written only when they change: the writer itself, and the
// pod and QoS cgroups of the container manager, on a temporary directory
// laid out as cgroup v1. A value the test overwrites with a marker shows
// whether the agent wrote the file again.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "agent/cm/cgroup_manager.h"
#include "agent/cm/cgroup_value_writer.h"
#include "agent/cm/container_manager.h"
#include "tests/agent/cm/cgroup_tree.h"
#include "tests/agent/cm/pod_builder.h"
#include "tests/agent/support/temp_dir.h"

namespace agent::cm {
namespace {

using namespace testing;
namespace fs = std::filesystem;

constexpr char kMarker[] = "marker";

TEST_CASE("writer: unchanged values are not written again; changed ones, a vanished cgroup and a forgotten key are") {
  agent::testing::TempDir root;
  lay_out_v1(root);
  CgroupManager cgroups(root.path(), CgroupDriver::Cgroupfs);
  CgroupValueWriter writer(cgroups);
  const CgroupName name{"kubepods", "poda"};
  const ResourceConfig config{102, 20000, 100000, 200 * Mi, 64};
  const std::string shares = "cpu/kubepods/poda/cpu.shares";

  CHECK(writer.ensure("a", name, config));
  CHECK(read_value(root.file(shares)) == "102");
  root.write_in_place(shares, kMarker);
  CHECK_FALSE(writer.ensure("a", name, config));
  CHECK(read_value(root.file(shares)) == kMarker);

  ResourceConfig more = config;
  more.cpu_shares = 204;
  CHECK(writer.ensure("a", name, more));
  CHECK(read_value(root.file(shares)) == "204");

  // Removed behind our back (in one hierarchy is enough): made again.
  fs::remove_all(root.file("memory/kubepods/poda"));
  CHECK(writer.ensure("a", name, more));
  CHECK(read_value(root.file("memory/kubepods/poda/memory.limit_in_bytes")) == std::to_string(200 * Mi));

  root.write_in_place(shares, kMarker);
  writer.forget("a");
  CHECK(writer.ensure("a", name, more));
  CHECK(read_value(root.file(shares)) == "204");
}

TEST_CASE("writer: after a write that failed, the same values are written again") {
  agent::testing::TempDir root;
  lay_out_v1(root);
  CgroupManager cgroups(root.path(), CgroupDriver::Cgroupfs);
  CgroupValueWriter writer(cgroups);
  const CgroupName name{"kubepods", "podb"};
  const ResourceConfig config{102, std::nullopt, std::nullopt, 100 * Mi, std::nullopt};
  CHECK(writer.ensure("b", name, config));
  // memory.limit_in_bytes cannot be opened for writing: the next write fails.
  ResourceConfig smaller = config;
  smaller.memory_limit_bytes = 50 * Mi;
  fs::remove(root.file("memory/kubepods/podb/memory.limit_in_bytes"));
  fs::create_directory(root.file("memory/kubepods/podb/memory.limit_in_bytes"));
  CHECK_THROWS_AS(writer.ensure("b", name, smaller), std::runtime_error);
  fs::remove(root.file("memory/kubepods/podb/memory.limit_in_bytes"));
  root.write_in_place("cpu/kubepods/podb/cpu.shares", kMarker);
  // What was last written in full was `config`: it is written again all the same.
  CHECK(writer.ensure("b", name, config));
  CHECK(read_value(root.file("cpu/kubepods/podb/cpu.shares")) == "102");
  CHECK(read_value(root.file("memory/kubepods/podb/memory.limit_in_bytes")) == std::to_string(100 * Mi));
}

TEST_CASE("container manager: a pod's limits and the QoS shares are written when they change, not on every sync") {
  agent::testing::TempDir root;
  lay_out_v1(root);
  ContainerManagerConfig config;
  config.cgroup_fs_root = root.path();
  config.layout = CgroupLayout::make(CgroupDriver::Cgroupfs, "/");
  config.capacity = {{"cpu", 2000}, {"memory", 4096 * Mi}, {"pods", 110}, {"pid", 32768}};
  ContainerManager cm(config);
  cm.start();
  const auto pod = make_pod("b", {container("a", 200, -1)});
  const std::string pod_shares = "cpu/kubepods/burstable/podb/cpu.shares";
  const std::string burstable_shares = "cpu/kubepods/burstable/cpu.shares";
  const std::string besteffort_shares = "cpu/kubepods/besteffort/cpu.shares";
  cm.ensure_pod(pod);
  CHECK(read_value(root.file(pod_shares)) == std::to_string(milli_cpu_to_shares(200)));
  CHECK(read_value(root.file(burstable_shares)) == std::to_string(milli_cpu_to_shares(200)));

  // Resyncs and housekeeping sweeps with nothing changed write nothing.
  for (const auto& file : {pod_shares, burstable_shares, besteffort_shares}) root.write_in_place(file, kMarker);
  cm.ensure_pod(pod);
  cm.sweep([](const std::string&) { return true; });
  cm.ensure_pod(pod);
  for (const auto& file : {pod_shares, burstable_shares, besteffort_shares}) CHECK(read_value(root.file(file)) == kMarker);

  // The pod's cgroup removed behind the agent's back: the next sync makes
  // it again with its limits.
  fs::remove_all(root.file("cpu/kubepods/burstable/podb"));
  cm.ensure_pod(pod);
  CHECK(read_value(root.file(pod_shares)) == std::to_string(milli_cpu_to_shares(200)));

  // A QoS cgroup removed behind the agent's back: the next sweep makes it again.
  fs::remove_all(root.file("cpu/kubepods/besteffort"));
  cm.sweep([](const std::string&) { return true; });
  CHECK(read_value(root.file(besteffort_shares)) == "2");

  // Removed with its pod, then the same UID again: written anew.
  CHECK(cm.remove_pod("b"));
  CHECK(read_value(root.file(burstable_shares)) == "2");
  cm.ensure_pod(pod);
  CHECK(read_value(root.file(pod_shares)) == std::to_string(milli_cpu_to_shares(200)));
  CHECK(read_value(root.file(burstable_shares)) == std::to_string(milli_cpu_to_shares(200)));
}

}  // namespace
}  // namespace agent::cm
