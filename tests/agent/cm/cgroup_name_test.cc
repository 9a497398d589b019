#include <doctest/doctest.h>

#include <stdexcept>

#include "agent/cm/cgroup_name.h"
#include "tests/agent/cm/pod_builder.h"

namespace agent::cm {
namespace {

using namespace testing;

const std::string kUid = "5f0e-12ab";

TEST_CASE("cgroup names: cgroupfs under the root") {
  const auto layout = CgroupLayout::make(CgroupDriver::Cgroupfs, "/");
  CHECK(layout.path(layout.kubepods()) == "/kubepods");
  CHECK(layout.path(layout.qos_cgroup(QosClass::Guaranteed)) == "/kubepods");
  CHECK(layout.path(layout.qos_cgroup(QosClass::Burstable)) == "/kubepods/burstable");
  CHECK(layout.path(layout.qos_cgroup(QosClass::BestEffort)) == "/kubepods/besteffort");
  CHECK(layout.path(layout.pod_cgroup(QosClass::Guaranteed, kUid)) == "/kubepods/pod5f0e-12ab");
  CHECK(layout.path(layout.pod_cgroup(QosClass::Burstable, kUid)) == "/kubepods/burstable/pod5f0e-12ab");
  CHECK(layout.path(layout.pod_cgroup(QosClass::BestEffort, kUid)) == "/kubepods/besteffort/pod5f0e-12ab");
  CHECK(layout.cgroup_parent(make_pod(kUid, {container("a", -1, -1)})) == "/kubepods/besteffort/pod5f0e-12ab");
  CHECK(layout.cgroup_parent(make_pod(kUid, {container("a", 10, 10, 10, 10)})) == "/kubepods/pod5f0e-12ab");
}

TEST_CASE("cgroup names: cgroupfs under a --cgroup-root") {
  const auto layout = CgroupLayout::make(CgroupDriver::Cgroupfs, "/node/a/");
  CHECK(layout.root == CgroupName{"node", "a"});
  CHECK(layout.path(layout.pod_cgroup(QosClass::Burstable, kUid)) == "/node/a/kubepods/burstable/pod5f0e-12ab");
  CHECK_THROWS_AS(CgroupLayout::make(CgroupDriver::Cgroupfs, "relative"), std::invalid_argument);
  CHECK_THROWS_AS(CgroupLayout::make(CgroupDriver::Cgroupfs, "/a/../b"), std::invalid_argument);
}

TEST_CASE("cgroup names: systemd slices, '-' escaped as '_'") {
  const auto layout = CgroupLayout::make(CgroupDriver::Systemd, "/");
  CHECK(layout.path(layout.kubepods()) == "/kubepods.slice");
  CHECK(layout.path(layout.qos_cgroup(QosClass::Burstable)) == "/kubepods.slice/kubepods-burstable.slice");
  CHECK(layout.path(layout.pod_cgroup(QosClass::Burstable, kUid)) ==
        "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod5f0e_12ab.slice");
  CHECK(layout.path(layout.pod_cgroup(QosClass::Guaranteed, kUid)) == "/kubepods.slice/kubepods-pod5f0e_12ab.slice");
  CHECK(layout.path(layout.pod_cgroup(QosClass::BestEffort, kUid)) ==
        "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod5f0e_12ab.slice");
  // A slice as --cgroup-root.
  const auto rooted = CgroupLayout::make(CgroupDriver::Systemd, "node-a.slice");
  CHECK(rooted.root == CgroupName{"node", "a"});
  CHECK(rooted.path(rooted.kubepods()) == "/node.slice/node-a.slice/node-a-kubepods.slice");
}

TEST_CASE("cgroup names: a pod's UID back from its cgroup's last component") {
  CHECK(pod_uid_of("pod5f0e-12ab") == std::optional<std::string>("5f0e-12ab"));
  CHECK(pod_uid_of("kubepods-burstable-pod5f0e_12ab.slice") == std::optional<std::string>("5f0e-12ab"));
  CHECK(pod_uid_of("kubepods-pod5f0e_12ab.slice") == std::optional<std::string>("5f0e-12ab"));
  CHECK_FALSE(pod_uid_of("burstable"));
  CHECK_FALSE(pod_uid_of("kubepods-burstable.slice"));
  CHECK_FALSE(pod_uid_of("pod"));
  CHECK_FALSE(pod_uid_of("0123abcdef"));
}

TEST_CASE("cgroup names: the driver flag") {
  CHECK(parse_cgroup_driver("systemd") == CgroupDriver::Systemd);
  CHECK(parse_cgroup_driver("cgroupfs") == CgroupDriver::Cgroupfs);
  CHECK_THROWS_WITH_AS(parse_cgroup_driver("Systemd"), "cgroup driver \"Systemd\": must be cgroupfs or systemd",
                       std::invalid_argument);
}

}  // namespace
}  // namespace agent::cm
