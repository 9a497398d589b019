// The cgroup manager and the container manager on a temporary directory
// laid out as /sys/fs/cgroup (v1: one directory per hierarchy; v2: one
// unified tree).
#include <doctest/doctest.h>

#include <filesystem>

#include "agent/cm/cgroup_manager.h"
#include "agent/cm/container_manager.h"
#include "tests/agent/cm/cgroup_tree.h"
#include "tests/agent/cm/pod_builder.h"
#include "tests/agent/support/temp_dir.h"

namespace agent::cm {
namespace {

using namespace testing;
namespace fs = std::filesystem;

TEST_CASE("cgroup manager v1: create writes each controller's files") {
  agent::testing::TempDir root;
  lay_out_v1(root);
  CgroupManager cgroups(root.path(), CgroupDriver::Cgroupfs);
  CHECK(cgroups.version() == CgroupVersion::V1);
  const CgroupName name{"kubepods", "burstable", "podabc"};
  CHECK_FALSE(cgroups.exists(name));
  cgroups.create(name, ResourceConfig{102, 20000, 100000, 200 * Mi, 64});
  CHECK(cgroups.exists(name));
  CHECK(read_value(root.file("cpu/kubepods/burstable/podabc/cpu.shares")) == "102");
  CHECK(read_value(root.file("cpu/kubepods/burstable/podabc/cpu.cfs_quota_us")) == "20000");
  CHECK(read_value(root.file("cpu/kubepods/burstable/podabc/cpu.cfs_period_us")) == "100000");
  CHECK(read_value(root.file("memory/kubepods/burstable/podabc/memory.limit_in_bytes")) == std::to_string(200 * Mi));
  CHECK(read_value(root.file("pids/kubepods/burstable/podabc/pids.max")) == "64");
  CHECK(fs::is_directory(root.file("cpuset/kubepods/burstable/podabc")));
  // Named hierarchies are the runtime's business.
  CHECK_FALSE(fs::exists(root.file("systemd/kubepods")));
  // Unset fields are left alone; -1 pids is "max".
  cgroups.update(name, ResourceConfig{2, std::nullopt, std::nullopt, std::nullopt, -1});
  CHECK(read_value(root.file("cpu/kubepods/burstable/podabc/cpu.shares")) == "2");
  CHECK(read_value(root.file("cpu/kubepods/burstable/podabc/cpu.cfs_quota_us")) == "20000");
  CHECK(read_value(root.file("pids/kubepods/burstable/podabc/pids.max")) == "max");
  CHECK(cgroups.children({"kubepods"}) == std::set<std::string>{"burstable"});
}

TEST_CASE("cgroup manager v1: destroy removes children first, everywhere, and leaves a cgroup with tasks") {
  agent::testing::TempDir root;
  lay_out_v1(root);
  CgroupManager cgroups(root.path(), CgroupDriver::Cgroupfs);
  const CgroupName pod{"kubepods", "podabc"};
  cgroups.create(pod, ResourceConfig{1024, 100000, 100000, Mi, std::nullopt});
  // The runtime's container cgroups, in a named hierarchy too.
  fs::create_directories(root.file("cpu/kubepods/podabc/c1"));
  fs::create_directories(root.file("systemd/kubepods/podabc/c1"));
  root.write_in_place("memory/kubepods/podabc/cgroup.procs", "4242\n");
  CHECK_FALSE(cgroups.destroy(pod));
  CHECK_FALSE(fs::exists(root.file("cpu/kubepods/podabc")));
  CHECK_FALSE(fs::exists(root.file("systemd/kubepods/podabc")));
  CHECK(fs::exists(root.file("memory/kubepods/podabc")));
  // The task left: the next try finishes the job.
  root.write_in_place("memory/kubepods/podabc/cgroup.procs", "");
  CHECK(cgroups.destroy(pod));
  CHECK_FALSE(fs::exists(root.file("memory/kubepods/podabc")));
  CHECK(fs::exists(root.file("memory/kubepods")));
  CHECK(cgroups.destroy(pod));  // nothing left: done
}

TEST_CASE("cgroup manager v1: systemd names are slices on disk") {
  agent::testing::TempDir root;
  lay_out_v1(root);
  CgroupManager cgroups(root.path(), CgroupDriver::Systemd);
  cgroups.create({"kubepods", "besteffort", "pod1-2"}, ResourceConfig{2, {}, {}, {}, {}});
  CHECK(read_value(root.file("cpu/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod1_2.slice/cpu.shares")) ==
        "2");
}

TEST_CASE("cgroup manager v2: one tree, controllers enabled, v2 files") {
  agent::testing::TempDir root;
  root.write_in_place("cgroup.controllers", "cpuset cpu io memory pids\n");
  root.write_in_place("cgroup.subtree_control", "");
  CgroupManager cgroups(root.path(), CgroupDriver::Cgroupfs);
  CHECK(cgroups.version() == CgroupVersion::V2);
  cgroups.create({"kubepods", "podx"}, ResourceConfig{102, 20000, 100000, 200 * Mi, 100});
  CHECK(read_value(root.file("kubepods/podx/cpu.weight")) == std::to_string(shares_to_weight(102)));
  CHECK(read_value(root.file("kubepods/podx/cpu.max")) == "20000 100000");
  CHECK(read_value(root.file("kubepods/podx/memory.max")) == std::to_string(200 * Mi));
  CHECK(read_value(root.file("kubepods/podx/pids.max")) == "100");
  CHECK(!read_value(root.file("cgroup.subtree_control")).empty());
  cgroups.update({"kubepods", "podx"}, ResourceConfig{std::nullopt, -1, 100000, std::nullopt, std::nullopt});
  CHECK(read_value(root.file("kubepods/podx/cpu.max")) == "max 100000");
  CHECK(shares_to_weight(2) == 1);
  CHECK(shares_to_weight(1024) == 39);
  CHECK(shares_to_weight(262144) == 10000);
  CHECK(cgroups.destroy({"kubepods"}));
  CHECK_FALSE(fs::exists(root.file("kubepods")));
}

TEST_CASE("cgroup manager: no cgroup filesystem is a clear error") {
  agent::testing::TempDir root;
  CHECK_THROWS_WITH_AS(CgroupManager(root.path(), CgroupDriver::Cgroupfs),
                       doctest::Contains("no cgroup v1 controller and no cgroup v2"), std::runtime_error);
}

TEST_CASE("container manager: kubepods, QoS cgroups, pod cgroups, burstable shares and the orphan sweep") {
  agent::testing::TempDir root;
  lay_out_v1(root);
  ContainerManagerConfig config;
  config.cgroup_fs_root = root.path();
  config.layout = CgroupLayout::make(CgroupDriver::Cgroupfs, "/");
  config.pod_pids_limit = 100;
  config.capacity = {{"cpu", 2000}, {"memory", 4096 * Mi}, {"pods", 110}, {"pid", 32768}};
  config.kube_reserved = {{"cpu", 500}, {"memory", 96 * Mi}};
  ContainerManager cm(config);
  CHECK(cm.node_resources().allocatable.at("cpu") == 1500);
  cm.start();
  CHECK(read_value(root.file("cpu/kubepods/cpu.shares")) == "1536");
  CHECK(read_value(root.file("memory/kubepods/memory.limit_in_bytes")) == std::to_string(4000 * Mi));
  CHECK(read_value(root.file("pids/kubepods/pids.max")) == "32768");
  CHECK(read_value(root.file("cpu/kubepods/besteffort/cpu.shares")) == "2");
  CHECK(fs::is_directory(root.file("cpu/kubepods/burstable")));

  const auto guaranteed = make_pod("g", {container("a", 100, 100 * Mi, 100, 100 * Mi)});
  const auto burstable1 = make_pod("b1", {container("a", 200, -1)});
  const auto burstable2 = make_pod("b2", {container("a", 300, -1, 400, -1)});
  const auto besteffort = make_pod("e", {container("a", -1, -1)});
  CHECK(cm.cgroup_parent(burstable1) == "/kubepods/burstable/podb1");
  for (const auto* p : {&guaranteed, &burstable1, &burstable2, &besteffort}) cm.ensure_pod(*p);
  CHECK(read_value(root.file("cpu/kubepods/podg/cpu.cfs_quota_us")) == "10000");
  CHECK(read_value(root.file("memory/kubepods/podg/memory.limit_in_bytes")) == std::to_string(100 * Mi));
  CHECK(read_value(root.file("pids/kubepods/besteffort/pode/pids.max")) == "100");
  CHECK(read_value(root.file("cpu/kubepods/burstable/podb2/cpu.cfs_quota_us")) == "40000");
  CHECK(read_value(root.file("cpu/kubepods/burstable/cpu.shares")) == std::to_string(milli_cpu_to_shares(500)));

  CHECK(cm.remove_pod("b1"));
  CHECK_FALSE(fs::exists(root.file("cpu/kubepods/burstable/podb1")));
  CHECK(read_value(root.file("cpu/kubepods/burstable/cpu.shares")) == std::to_string(milli_cpu_to_shares(300)));

  // g is kept; b2 and e are orphans, e still with a task.
  root.write_in_place("cpu/kubepods/besteffort/pode/cgroup.procs", "77\n");
  cm.sweep([](const std::string& uid) { return uid == "g"; });
  CHECK(fs::exists(root.file("cpu/kubepods/podg")));
  CHECK_FALSE(fs::exists(root.file("cpu/kubepods/burstable/podb2")));
  CHECK(fs::exists(root.file("cpu/kubepods/besteffort/pode")));
  CHECK(read_value(root.file("cpu/kubepods/burstable/cpu.shares")) == "2");
  root.write_in_place("cpu/kubepods/besteffort/pode/cgroup.procs", "");
  cm.sweep([](const std::string& uid) { return uid == "g"; });
  CHECK_FALSE(fs::exists(root.file("cpu/kubepods/besteffort/pode")));
}

TEST_CASE("container manager: without cgroups per QoS, nothing is made and the parent is empty") {
  agent::testing::TempDir root;
  lay_out_v1(root);
  ContainerManagerConfig config;
  config.cgroups_per_qos = false;
  config.cgroup_fs_root = root.path();
  config.capacity = {{"cpu", 2000}, {"pods", 1}};
  ContainerManager cm(config);
  cm.start();
  const auto p = make_pod("u", {container("a", 100, -1)});
  CHECK(cm.cgroup_parent(p).empty());
  cm.ensure_pod(p);
  CHECK_FALSE(fs::exists(root.file("cpu/kubepods")));
  CHECK(cm.admitter().admit(p, {}).admit);
  CHECK(cm.admitter().admit(make_pod("v", {container("a", -1, -1)}), {}).reason == "OutOfpods");
}

}  // namespace
}  // namespace agent::cm
