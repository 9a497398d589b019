// eviction/pod_disk_usage: logs and local ephemeral volumes walked from a
// temporary directory laid out as the agent lays out a pod.
#include <doctest/doctest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include "agent/eviction/pod_disk_usage.h"

namespace agent::eviction {
namespace {

namespace fs = std::filesystem;

struct TempDir {
  TempDir() {
    char pattern[] = "/tmp/pod-disk-usage-XXXXXX";
    REQUIRE(::mkdtemp(pattern) != nullptr);
    path = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  std::string path;
};

// Random bytes: a compressing filesystem still allocates their size.
void write_file(const fs::path& path, std::size_t bytes) {
  fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary);
  std::mt19937 random(42);
  std::string block(bytes, '\0');
  for (auto& ch : block) ch = static_cast<char>(random());
  out << block;
}

TEST_CASE("logs and local ephemeral volumes are measured; Memory emptyDir, secret and hostPath are not") {
  TempDir dir;
  pod::Pod pod;
  pod.metadata.uid = "u1";
  pod.spec.volumes = {{"disk", pod::EmptyDirVolume{}},
                      {"ram", pod::EmptyDirVolume{true, 1024}},
                      {"conf", pod::ObjectVolume{}},
                      {"creds", pod::ObjectVolume{{true, "s", {}, false}, 0644}},
                      {"host", pod::HostPathVolume{"/", pod::HostPathType::Unset}},
                      {"info", pod::DownwardApiVolume{}}};
  write_file(dir.path + "/vol/disk/f", 64 * 1024);
  write_file(dir.path + "/vol/ram/f", 64 * 1024);
  write_file(dir.path + "/logs/app/0.log", 8 * 1024);
  PodDiskPaths paths;
  paths.volume_dir = [&dir](const pod::Pod&, const pod::Volume& v) { return dir.path + "/vol/" + v.name; };
  paths.log_dir = [&dir](const pod::Pod&, const std::string& c) { return dir.path + "/logs/" + c; };

  PodUsages usages{{"u1", PodUsage{{ContainerUsage{"app", std::nullopt, 100, 1}}, {}}}};
  pod::Pod other = pod;
  other.metadata.uid = "u2";  // no container stats: stays out
  add_disk_usage({pod, other}, paths, usages);
  REQUIRE(usages.size() == 1);
  const PodUsage& u = usages["u1"];
  REQUIRE(u.containers.size() == 1);
  CHECK(u.containers[0].logs_bytes >= 8 * 1024);
  CHECK(u.containers[0].logs_inodes == 2);  // the directory and its file
  CHECK(u.containers[0].rootfs_bytes == 100);
  REQUIRE(u.volumes.size() == 3);
  CHECK(u.volumes[0].name == "disk");
  CHECK(u.volumes[0].bytes >= 64 * 1024);
  CHECK(u.volumes[1].name == "conf");
  CHECK(u.volumes[1].bytes == 0);  // not made yet: 0
  CHECK(u.volumes[2].name == "info");
}

}  // namespace
}  // namespace agent::eviction
