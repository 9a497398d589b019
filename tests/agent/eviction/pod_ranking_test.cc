// eviction/pod_ranking: kubelet's rankMemoryPressure, rankDiskPressureFunc
// and rankPIDPressure orders (the facts of its helpers_test tables).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "agent/eviction/pod_ranking.h"

namespace agent::eviction {
namespace {

constexpr int64_t kMi = 1024 * 1024;

pod::Pod make_pod(const std::string& name, std::optional<int64_t> request, std::optional<int32_t> prio = std::nullopt) {
  pod::Pod p;
  p.metadata.name = name;
  p.metadata.uid = "uid-" + name;
  pod::Container c;
  c.name = "c";
  c.resources.requests.memory_bytes = request;
  p.spec.containers.push_back(c);
  p.spec.priority = prio;
  return p;
}

PodUsage memory_usage(int64_t bytes) { return PodUsage{{ContainerUsage{"c", bytes, std::nullopt, std::nullopt}}}; }

std::vector<std::string> names(const std::vector<pod::Pod>& pods) {
  std::vector<std::string> out;
  for (const auto& p : pods) out.push_back(p.metadata.name);
  return out;
}

TEST_CASE("memory: usage above requests first, then lower priority, then the larger usage above requests") {
  std::vector<pod::Pod> pods{
      make_pod("guaranteed-below", 500 * kMi),        // 100Mi of 500Mi: below its request
      make_pod("best-effort-small", std::nullopt),   // 10Mi over 0
      make_pod("burstable-over", 100 * kMi),          // 300Mi: 200Mi over
      make_pod("best-effort-high-prio", std::nullopt, 1000),  // 900Mi over, but higher priority
      make_pod("best-effort-hog", std::nullopt),     // 800Mi over
  };
  PodUsages usage{{"uid-guaranteed-below", memory_usage(100 * kMi)},
                  {"uid-best-effort-small", memory_usage(10 * kMi)},
                  {"uid-burstable-over", memory_usage(300 * kMi)},
                  {"uid-best-effort-high-prio", memory_usage(900 * kMi)},
                  {"uid-best-effort-hog", memory_usage(800 * kMi)}};
  rank_memory_pressure(pods, usage);
  CHECK(names(pods) == std::vector<std::string>{"best-effort-hog", "burstable-over", "best-effort-small",
                                                "best-effort-high-prio", "guaranteed-below"});
}

TEST_CASE("memory: a pod without stats ranks first") {
  std::vector<pod::Pod> pods{make_pod("measured", std::nullopt), make_pod("unmeasured", 100 * kMi)};
  rank_memory_pressure(pods, {{"uid-measured", memory_usage(900 * kMi)}});
  CHECK(names(pods) == std::vector<std::string>{"unmeasured", "measured"});
}

TEST_CASE("memory: below requests, lower priority goes before a larger consumer") {
  std::vector<pod::Pod> pods{make_pod("high", 1024 * kMi, 100), make_pod("low", 1024 * kMi, -5)};
  rank_memory_pressure(pods, {{"uid-high", memory_usage(900 * kMi)}, {"uid-low", memory_usage(10 * kMi)}});
  CHECK(names(pods) == std::vector<std::string>{"low", "high"});
}

TEST_CASE("disk: any usage first (no ephemeral-storage requests), then priority, then the larger usage") {
  auto disk = [](int64_t bytes, int64_t inodes) {
    return PodUsage{{ContainerUsage{"c", std::nullopt, bytes, inodes}}};
  };
  std::vector<pod::Pod> pods{make_pod("none", std::nullopt), make_pod("small", std::nullopt),
                             make_pod("big-important", std::nullopt, 10), make_pod("big", std::nullopt)};
  PodUsages usage{{"uid-none", disk(0, 0)},
                  {"uid-small", disk(10, 500)},
                  {"uid-big-important", disk(1000, 1)},
                  {"uid-big", disk(900, 2)}};
  auto by_bytes = pods;
  rank_disk_pressure(by_bytes, usage, DiskResource::Bytes);
  CHECK(names(by_bytes) == std::vector<std::string>{"big", "small", "big-important", "none"});
  auto by_inodes = pods;
  rank_disk_pressure(by_inodes, usage, DiskResource::Inodes);
  CHECK(names(by_inodes) == std::vector<std::string>{"small", "big", "big-important", "none"});
}

TEST_CASE("disk: usage above the ephemeral-storage request first; logs and volumes count as the signal's parts say") {
  auto with_request = [](const std::string& name, int64_t request) {
    auto p = make_pod(name, std::nullopt);
    p.spec.containers[0].resources.requests.ephemeral_storage_bytes = request;
    return p;
  };
  // "writer" fills an emptyDir and has asked for nothing; "asked" uses more
  // but within its 100Mi request; "layer" only writes its writable layer.
  std::vector<pod::Pod> pods{with_request("asked", 100 * kMi), make_pod("layer", std::nullopt),
                             make_pod("writer", std::nullopt)};
  PodUsages usage{
      {"uid-asked", PodUsage{{ContainerUsage{"c", std::nullopt, 50 * kMi, 1, 1 * kMi, 1}}, {VolumeUsage{"v", 45 * kMi, 3}}}},
      {"uid-layer", PodUsage{{ContainerUsage{"c", std::nullopt, 60 * kMi, 1, 0, 1}}, {}}},
      {"uid-writer", PodUsage{{ContainerUsage{"c", std::nullopt, 0, 1, 1 * kMi, 1}}, {VolumeUsage{"v", 40 * kMi, 1}}}}};
  CHECK(usage["uid-asked"].disk_bytes() == 96 * kMi);
  CHECK(usage["uid-asked"].disk_bytes(DiskParts{false, true, true}) == 46 * kMi);
  CHECK(usage["uid-asked"].disk_inodes(DiskParts{true, false, false}) == 1);

  // One shared filesystem: everything counts; "asked" is within its request.
  auto shared = pods;
  rank_disk_pressure(shared, usage, DiskResource::Bytes);
  CHECK(names(shared) == std::vector<std::string>{"layer", "writer", "asked"});
  // nodefs beside a dedicated image filesystem: logs and volumes only.
  auto nodefs = pods;
  rank_disk_pressure(nodefs, usage, DiskResource::Bytes, DiskParts{false, true, true});
  CHECK(names(nodefs) == std::vector<std::string>{"writer", "layer", "asked"});
  CHECK(disk_parts(Signal::NodeFsAvailable, true) == DiskParts{false, true, true});
  CHECK(disk_parts(Signal::ImageFsInodesFree, true) == DiskParts{true, false, false});
  CHECK(disk_parts(Signal::NodeFsAvailable, false) == DiskParts{});
}

TEST_CASE("pids: lower priority first, ties kept in order") {
  std::vector<pod::Pod> pods{make_pod("a", std::nullopt, 5), make_pod("b", std::nullopt), make_pod("c", std::nullopt)};
  rank_pid_pressure(pods);
  CHECK(names(pods) == std::vector<std::string>{"b", "c", "a"});
}

TEST_CASE("requests: the containers summed, or the largest init container; critical from 2000000000") {
  auto p = make_pod("p", 100 * kMi);
  pod::Container second;
  second.name = "d";
  second.resources.requests.memory_bytes = 50 * kMi;
  p.spec.containers.push_back(second);
  CHECK(memory_request(p) == 150 * kMi);
  pod::Container init;
  init.name = "init";
  init.resources.requests.memory_bytes = 200 * kMi;
  p.spec.init_containers.push_back(init);
  CHECK(memory_request(p) == 200 * kMi);

  CHECK_FALSE(is_critical(make_pod("x", std::nullopt)));
  CHECK_FALSE(is_critical(make_pod("x", std::nullopt, 1999999999)));
  CHECK(is_critical(make_pod("x", std::nullopt, 2000000000)));
  CHECK(is_critical(make_pod("x", std::nullopt, 2000001000)));
  CHECK(priority(make_pod("x", std::nullopt)) == 0);
}

}  // namespace
}  // namespace agent::eviction
