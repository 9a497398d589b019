// The volume manager on a real file system: layout, refresh, keeping what
// exists, tmpfs mounts, and tear-down that removes only the pod's own.
#include "agent/volume/volume_manager.h"

#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "tests/agent/support/temp_dir.h"

using namespace agent::volume;
using agent::testing::TempDir;
using agent::testing::read_file;
using namespace agent::pod;
namespace fs = std::filesystem;

namespace {

constexpr long kTmpfsMagic = 0x01021994;


bool is_tmpfs(const std::string& path) {
  struct statfs st {};
  return ::statfs(path.c_str(), &st) == 0 && st.f_type == kTmpfsMagic;
}

Pod pod_with(std::vector<Volume> volumes) {
  Pod pod;
  pod.metadata.name = "web";
  pod.metadata.uid = "uid-1";
  pod.spec.volumes = std::move(volumes);
  return pod;
}

struct Fixture {
  TempDir root;
  std::map<std::string, ConfigObject> objects;  // by name, all ConfigMaps in "default"
  VolumeManager manager{[this](const std::string& uid) { return root.path() + "/pods/" + uid; },
                        [this](ObjectKind kind, const std::string&, const std::string& name) -> std::optional<ConfigObject> {
                          auto it = objects.find(name);
                          if (it == objects.end() || it->second.kind != kind) return std::nullopt;
                          return it->second;
                        },
                        NodeAllocatable{1000, 1 << 30}};
};

}  // namespace

TEST_CASE("volumes are laid out as kubelet's and a configMap update reaches the files") {
  Fixture f;
  f.objects["cfg"] = ConfigObject{ObjectKind::ConfigMap, "default", "cfg", {{"level", "info"}}, false};
  const std::string host = f.root.path() + "/host-dir";
  const Pod pod = pod_with({{"scratch", EmptyDirVolume{}},
                            {"config", ObjectVolume{{false, "cfg", {}, false}, 0644}},
                            {"host", HostPathVolume{host, HostPathType::DirectoryOrCreate}}});
  PodVolumes v = f.manager.set_up(pod);
  REQUIRE(v.errors.empty());
  REQUIRE(v.ready(pod));
  const std::string pod_dir = f.root.path() + "/pods/uid-1/volumes/";
  CHECK(v.host_paths["scratch"] == pod_dir + "kubernetes.io~empty-dir/scratch");
  CHECK(v.host_paths["config"] == pod_dir + "kubernetes.io~configmap/config");
  CHECK(v.host_paths["host"] == host);
  CHECK(fs::is_directory(host));
  CHECK(read_file(v.host_paths["config"] + "/level") == "info");

  // A file a container wrote in the emptyDir survives the next set-up.
  std::ofstream(v.host_paths["scratch"] + "/kept") << "x";
  f.objects["cfg"].data["level"] = "debug";
  v = f.manager.set_up(pod);
  CHECK(read_file(v.host_paths["config"] + "/level") == "debug");
  CHECK(fs::exists(v.host_paths["scratch"] + "/kept"));

  // The ConfigMap disappears: the files stay, the error is reported.
  f.objects.erase("cfg");
  v = f.manager.set_up(pod);
  CHECK(v.ready(pod));
  REQUIRE(v.errors.size() == 1);
  CHECK(v.errors[0].second == "MountVolume.SetUp failed for volume \"config\" : configmap \"cfg\" not found");
  CHECK(read_file(v.host_paths["config"] + "/level") == "debug");

  std::string error;
  CHECK(f.manager.tear_down("uid-1", error));
  CHECK_FALSE(fs::exists(f.root.path() + "/pods/uid-1/volumes"));
  CHECK(fs::is_directory(host));  // a hostPath is the host's, never removed
}

TEST_CASE("a volume that cannot be made keeps the pod waiting with the reason") {
  Fixture f;
  const Pod pod = pod_with({{"config", ObjectVolume{{false, "missing", {}, false}, 0644}},
                            {"host", HostPathVolume{"/etc/hostname-not-a-dir-xyz", HostPathType::Directory}}});
  const PodVolumes v = f.manager.set_up(pod);
  CHECK_FALSE(v.ready(pod));
  REQUIRE(v.errors.size() == 2);
  CHECK(v.errors[0].second.find("configmap \"missing\" not found") != std::string::npos);
  CHECK(v.errors[1].second.find("hostPath type check failed") != std::string::npos);
}

TEST_CASE("Memory emptyDir and secret volumes are tmpfs mounts, unmounted at tear-down") {
  if (::geteuid() != 0) {
    MESSAGE("not root: tmpfs mounts cannot be tested");
    return;
  }
  Fixture f;
  f.objects["sec"] = ConfigObject{ObjectKind::Secret, "default", "sec", {{"token", "s3cr3t"}}, false};
  Pod pod = pod_with({{"cache", EmptyDirVolume{true, 1024 * 1024}},
                      {"creds", ObjectVolume{{true, "sec", {}, false}, 0400}}});
  PodVolumes v = f.manager.set_up(pod);
  REQUIRE(v.errors.empty());
  CHECK(is_tmpfs(v.host_paths["cache"]));
  CHECK(is_tmpfs(v.host_paths["creds"]));
  struct statfs st {};
  REQUIRE(::statfs(v.host_paths["cache"].c_str(), &st) == 0);
  CHECK(static_cast<long long>(st.f_blocks) * st.f_bsize == 1024 * 1024);  // sizeLimit
  CHECK(read_file(v.host_paths["creds"] + "/token") == "s3cr3t");

  // A second set-up (an agent restart) keeps the mount and its content.
  std::ofstream(v.host_paths["cache"] + "/warm") << "1";
  v = f.manager.set_up(pod);
  CHECK(fs::exists(v.host_paths["cache"] + "/warm"));

  std::string error;
  CHECK(f.manager.tear_down("uid-1", error));
  INFO(error);
  CHECK_FALSE(fs::exists(f.root.path() + "/pods/uid-1/volumes"));
}

TEST_CASE("an fsGroup owns emptyDir with setgid") {
  Fixture f;
  Pod pod = pod_with({{"scratch", EmptyDirVolume{}}});
  pod.spec.security_context.fs_group = ::geteuid() == 0 ? 3000 : static_cast<int64_t>(::getegid());
  const PodVolumes v = f.manager.set_up(pod);
  REQUIRE(v.errors.empty());
  struct stat st {};
  REQUIRE(::stat(v.host_paths.at("scratch").c_str(), &st) == 0);
  CHECK(static_cast<int64_t>(st.st_gid) == *pod.spec.security_context.fs_group);
  CHECK((st.st_mode & 07777) == (02000 | 0777));
}
