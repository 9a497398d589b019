// volumeMounts to CRI mounts: host paths, subPath made and kept inside its
// volume, subPathExpr from the env, readOnly and propagation.
#include "agent/runtime/container_mounts.h"

#include <doctest/doctest.h>

#include <filesystem>

#include "pod_fixture.h"
#include "tests/agent/support/temp_dir.h"

using namespace agent;
using namespace agent::runtime;
namespace fs = std::filesystem;

using VolumeDir = agent::testing::TempDir;

TEST_CASE("mounts name the volume's host path with readOnly and propagation") {
  VolumeDir dir;
  pod::Container c = test::basic_pod().spec.containers[0];
  c.volume_mounts = {{"data", "/data", true, "", "", pod::MountPropagation::HostToContainer},
                     {"data", "/rw", false, "", "", pod::MountPropagation::None}};
  const auto mounts = make_container_mounts(c, {{"data", dir.path()}}, {});
  REQUIRE(mounts.size() == 2);
  CHECK(mounts[0].container_path() == "/data");
  CHECK(mounts[0].host_path() == dir.path());
  CHECK(mounts[0].readonly());
  CHECK(mounts[0].propagation() == cri::PROPAGATION_HOST_TO_CONTAINER);
  CHECK_FALSE(mounts[1].readonly());
  CHECK(mounts[1].propagation() == cri::PROPAGATION_PRIVATE);
  CHECK_THROWS_AS(make_container_mounts(c, {}, {}), std::invalid_argument);
}

TEST_CASE("a subPath is made under its volume and subPathExpr expands the env") {
  VolumeDir dir;
  pod::Container c = test::basic_pod().spec.containers[0];
  c.volume_mounts = {{"data", "/a", false, "app/logs", "", pod::MountPropagation::None},
                     {"data", "/b", false, "", "per-pod/$(POD_NAME)", pod::MountPropagation::None}};
  const auto mounts = make_container_mounts(c, {{"data", dir.path()}}, {{"POD_NAME", "web"}});
  REQUIRE(mounts.size() == 2);
  const std::string real = fs::canonical(dir.path()).string();
  CHECK(mounts[0].host_path() == real + "/app/logs");
  CHECK(fs::is_directory(real + "/app/logs"));
  CHECK(mounts[1].host_path() == real + "/per-pod/web");
}

TEST_CASE("a subPath that leads out of its volume is refused") {
  VolumeDir dir;
  fs::create_symlink("/etc", dir.path() + "/escape");
  pod::Container c = test::basic_pod().spec.containers[0];
  c.volume_mounts = {{"data", "/a", false, "escape", "", pod::MountPropagation::None}};
  CHECK_THROWS_WITH_AS(make_container_mounts(c, {{"data", dir.path()}}, {}),
                       doctest::Contains("not within volume path"), std::invalid_argument);
  c.volume_mounts = {{"data", "/a", false, "", "$(UP)/x", pod::MountPropagation::None}};
  CHECK_THROWS_WITH_AS(make_container_mounts(c, {{"data", dir.path()}}, {{"UP", ".."}}),
                       doctest::Contains("must be a relative path without '..'"), std::invalid_argument);
}
