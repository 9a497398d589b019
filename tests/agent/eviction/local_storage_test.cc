// eviction/local_storage: kubelet's localStorageEviction checks (emptyDir
// sizeLimit, the pod's summed ephemeral-storage limit, each container's
// limit) and their messages, from fixed usage.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "agent/eviction/local_storage.h"

namespace agent::eviction {
namespace {

constexpr int64_t kMi = 1024 * 1024;

pod::Container container(const std::string& name, std::optional<int64_t> limit = std::nullopt) {
  pod::Container c;
  c.name = name;
  c.resources.limits.ephemeral_storage_bytes = limit;
  c.resources.requests.ephemeral_storage_bytes = limit;
  return c;
}

pod::Pod make_pod(const std::string& name, std::vector<pod::Container> containers,
                  std::vector<pod::Volume> volumes = {}) {
  pod::Pod p;
  p.metadata.name = name;
  p.metadata.uid = "uid-" + name;
  p.spec.containers = std::move(containers);
  p.spec.volumes = std::move(volumes);
  return p;
}

pod::Volume empty_dir(const std::string& name, std::optional<int64_t> size_limit, bool memory = false) {
  return pod::Volume{name, pod::EmptyDirVolume{memory, size_limit}};
}

ContainerUsage used(const std::string& name, int64_t rootfs, int64_t logs) {
  return ContainerUsage{name, std::nullopt, rootfs, 1, logs, 1};
}

std::vector<std::string> messages(const std::vector<StorageViolation>& violations) {
  std::vector<std::string> out;
  for (const auto& v : violations) out.push_back(v.pod.metadata.name + ": " + v.message);
  return out;
}

TEST_CASE("an emptyDir above its sizeLimit names the volume and the limit; at the limit it stays") {
  const auto pod = make_pod("p", {container("c")}, {empty_dir("cache", 64 * kMi), empty_dir("data", 4 * kMi)});
  PodUsages usages{{"uid-p", PodUsage{{used("c", 0, 0)}, {{"cache", 64 * kMi, 2}, {"data", 4 * kMi + 4096, 3}}}}};
  CHECK(messages(local_storage_violations({pod}, usages, false)) ==
        std::vector<std::string>{"p: Usage of EmptyDir volume \"data\" exceeds the limit \"4Mi\". "});
  usages["uid-p"].volumes[1].bytes = 4 * kMi;
  CHECK(local_storage_violations({pod}, usages, false).empty());
}

TEST_CASE("a sizeLimit of 0 or none, and a Memory emptyDir, are not local storage limits") {
  const auto pod = make_pod("p", {container("c")},
                            {empty_dir("zero", 0), empty_dir("none", std::nullopt), empty_dir("ram", 1 * kMi, true)});
  PodUsages usages{{"uid-p", PodUsage{{used("c", 0, 0)}, {{"zero", 9 * kMi, 1}, {"none", 9 * kMi, 1}}}}};
  CHECK(local_storage_violations({pod}, usages, false).empty());
  CHECK(has_local_storage_limits(pod));  // "zero" declares one (nothing to exceed)
  CHECK_FALSE(has_local_storage_limits(make_pod("q", {container("c")}, {empty_dir("ram", 1 * kMi, true)})));
}

TEST_CASE("the pod's writable layers, logs and volumes above its containers' summed limits") {
  // 3Mi + 2Mi of limits; 5Mi + 1 byte used over layers, logs and a volume.
  const auto pod = make_pod("p", {container("a", 3 * kMi), container("b", 2 * kMi), container("free")},
                            {empty_dir("scratch", std::nullopt)});
  PodUsages usages{{"uid-p", PodUsage{{used("a", 1 * kMi, 0), used("b", 0, 1 * kMi), used("free", 1, 0)},
                                      {{"scratch", 3 * kMi, 1}}}}};
  CHECK(pod_ephemeral_usage(usages["uid-p"]) == 5 * kMi + 1);
  CHECK(messages(local_storage_violations({pod}, usages, false)) ==
        std::vector<std::string>{"p: Pod ephemeral local storage usage exceeds the total limit of containers 5Mi. "});
}

TEST_CASE("a container over its own limit: its logs, and its writable layer unless the image filesystem is dedicated") {
  // The pod's sum (4Mi + 10Mi) holds; container "a" alone does not.
  const auto pod = make_pod("p", {container("a", 4 * kMi), container("b", 10 * kMi)});
  PodUsages usages{{"uid-p", PodUsage{{used("a", 3 * kMi, 2 * kMi), used("b", 0, 0)}, {}}}};
  CHECK(messages(local_storage_violations({pod}, usages, false)) ==
        std::vector<std::string>{"p: Container a exceeded its local ephemeral storage limit \"4Mi\". "});
  CHECK(local_storage_violations({pod}, usages, true).empty());  // 2Mi of logs only
  usages["uid-p"].containers[0].logs_bytes = 5 * kMi;
  CHECK(local_storage_violations({pod}, usages, true).size() == 1);
}

TEST_CASE("an init container's larger limit is the pod's; pods without stats and critical pods are skipped") {
  auto pod = make_pod("p", {container("a", 1 * kMi)});
  pod.spec.init_containers.push_back(container("init", 8 * kMi));
  PodUsages usages{{"uid-p", PodUsage{{used("a", 0, 0)}, {{"v", 6 * kMi, 1}}}}};
  CHECK(local_storage_violations({pod}, usages, false).empty());  // 6Mi within the init container's 8Mi
  auto critical = make_pod("critical", {container("a", 1 * kMi)});
  critical.spec.priority = 2000001000;
  usages["uid-critical"] = PodUsage{{used("a", 50 * kMi, 0)}, {}};
  const auto unmeasured = make_pod("unmeasured", {container("a", 1 * kMi)});
  CHECK(local_storage_violations({pod, critical, unmeasured}, usages, false).empty());
}

}  // namespace
}  // namespace agent::eviction
