// eviction/eviction_manager: one synchronize() at a time with fixed
// readings, fake pods and a clock the test moves.
#include <doctest/doctest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "agent/eviction/eviction_manager.h"

namespace agent::eviction {
namespace {

using namespace std::chrono_literals;
constexpr int64_t kMi = 1024 * 1024;

pod::Pod make_pod(const std::string& name, std::optional<int64_t> request, std::optional<int32_t> prio = std::nullopt) {
  pod::Pod p;
  p.metadata.name = name;
  p.metadata.namespace_ = "ns";
  p.metadata.uid = "uid-" + name;
  p.spec.termination_grace_period_seconds = 45;
  pod::Container c;
  c.name = "c";
  c.resources.requests.memory_bytes = request;
  c.resources.limits.memory_bytes = request;
  p.spec.containers.push_back(c);
  p.spec.priority = prio;
  return p;
}

struct Fake {
  NodeReadings readings;
  std::vector<pod::Pod> pods;
  PodUsages usage;
  struct Eviction {
    std::string name;
    int64_t grace;
    std::string message;
  };
  std::vector<Eviction> evictions;
  std::vector<std::string> events;
  ThresholdTracker::Clock::time_point now = ThresholdTracker::Clock::time_point{} + 1h;
  std::vector<int64_t> reclaim_asks;

  EvictionDeps deps(bool with_reclaim = false, int64_t frees = 0) {
    EvictionDeps d;
    d.read_node = [this] { return readings; };
    d.active_pods = [this] { return pods; };
    d.pod_usage = [this](const std::vector<pod::Pod>&) { return usage; };
    d.evict_pod = [this](const pod::Pod& p, int64_t grace, const std::string& message) {
      evictions.push_back({p.metadata.name, grace, message});
      return true;
    };
    d.pod_cleaned_up = [](const std::string&) { return true; };
    d.node_event = [this](const std::string& reason, const std::string& message) {
      events.push_back(reason + ": " + message);
    };
    d.now = [this] { return now; };
    if (with_reclaim) {
      for (int i = 0; i < 2; ++i)
        d.reclaim_disk.push_back([this, frees](int64_t wanted) {
          reclaim_asks.push_back(wanted);
          readings.nodefs->available_bytes += frees;
          return frees;
        });
    }
    return d;
  }
};

EvictionConfig config(const KeyValues& hard, const KeyValues& soft = {}, const KeyValues& grace = {}) {
  EvictionConfig c;
  c.thresholds = with_allocatable_thresholds(parse_thresholds(hard, soft, grace, {}), {"pods"});
  c.transition_period = 30s;
  c.monitoring_period = 50ms;
  return c;
}

TEST_CASE("allocatable memory pressure evicts the BestEffort hog at grace 0 with kubelet's message, not the Guaranteed pod") {
  Fake fake;
  fake.readings.memory_total = 24LL * 1024 * kMi;
  fake.readings.root_working_set = 4LL * 1024 * kMi;
  fake.readings.allocatable_memory = 300 * kMi;
  fake.readings.pods_working_set = 250 * kMi;  // 50Mi left, under 100Mi
  fake.pods = {make_pod("guaranteed", 128 * kMi), make_pod("hog", std::nullopt)};
  fake.usage = {{"uid-guaranteed", PodUsage{{ContainerUsage{"c", 20 * kMi, {}, {}}}}},
                {"uid-hog", PodUsage{{ContainerUsage{"c", 230 * kMi, {}, {}}}}}};
  EvictionManager manager(config({{"memory.available", "100Mi"}}), fake.deps());
  const auto evicted = manager.synchronize();
  REQUIRE(evicted.size() == 1);
  CHECK(evicted[0].metadata.name == "hog");
  REQUIRE(fake.evictions.size() == 1);
  CHECK(fake.evictions[0].grace == 0);
  CHECK(fake.evictions[0].message ==
        "The node was low on resource: memory. Threshold quantity: 100Mi, available: 50Mi. Container c was using "
        "230Mi, request is 0, has larger consumption of memory. ");
  CHECK(manager.pressure().memory);
  CHECK(fake.events == std::vector<std::string>{"EvictionThresholdMet: Attempting to reclaim memory"});
}

TEST_CASE("no threshold crossed: nothing evicted and no pressure") {
  Fake fake;
  fake.readings.memory_total = 1024 * kMi;
  fake.readings.root_working_set = 100 * kMi;
  fake.pods = {make_pod("a", std::nullopt)};
  EvictionManager manager(config({{"memory.available", "100Mi"}}), fake.deps());
  CHECK(manager.synchronize().empty());
  CHECK_FALSE(manager.pressure().any());
  CHECK(fake.events.empty());
}

TEST_CASE("critical pods are passed over; when only they are left nothing is evicted") {
  Fake fake;
  fake.readings.memory_total = 1024 * kMi;
  fake.readings.root_working_set = 1000 * kMi;
  fake.pods = {make_pod("critical", std::nullopt, 2000001000), make_pod("normal", 512 * kMi)};
  fake.usage = {{"uid-critical", PodUsage{{ContainerUsage{"c", 900 * kMi, {}, {}}}}},
                {"uid-normal", PodUsage{{ContainerUsage{"c", 10 * kMi, {}, {}}}}}};
  EvictionManager manager(config({{"memory.available", "100Mi"}}), fake.deps());
  const auto evicted = manager.synchronize();
  REQUIRE(evicted.size() == 1);
  CHECK(evicted[0].metadata.name == "normal");
  fake.pods = {make_pod("critical", std::nullopt, 2000001000)};
  CHECK(manager.synchronize().empty());
}

TEST_CASE("a soft threshold evicts after its grace period, with the pod's grace capped by the maximum") {
  Fake fake;
  fake.readings.memory_total = 1024 * kMi;
  fake.readings.root_working_set = 800 * kMi;  // 224Mi available, under the soft 300Mi
  fake.pods = {make_pod("a", std::nullopt)};
  auto c = config({}, {{"memory.available", "300Mi"}}, {{"memory.available", "1m"}});
  c.max_pod_grace_period_s = 20;
  EvictionManager manager(c, fake.deps());
  CHECK(manager.synchronize().empty());
  CHECK(manager.pressure().memory);
  fake.now += 59s;
  CHECK(manager.synchronize().empty());
  fake.now += 1s;
  REQUIRE(manager.synchronize().size() == 1);
  CHECK(fake.evictions.at(0).grace == 20);

  auto uncapped = config({}, {{"memory.available", "300Mi"}}, {{"memory.available", "1m"}});
  Fake other = fake;
  other.evictions.clear();
  EvictionManager manager2(uncapped, other.deps());
  manager2.synchronize();
  other.now += 1min;
  REQUIRE(manager2.synchronize().size() == 1);
  CHECK(other.evictions.at(0).grace == 45);  // the pod's own
}

TEST_CASE("disk pressure reclaims first and evicts nobody when that is enough") {
  Fake fake;
  fake.readings.nodefs = FsReading{1000, 50, 1000, 1000};  // 5% free under 10%
  fake.pods = {make_pod("a", std::nullopt)};
  EvictionManager manager(config({{"nodefs.available", "10%"}}), fake.deps(true, 40));
  CHECK(manager.synchronize().empty());
  CHECK(fake.reclaim_asks == std::vector<int64_t>{50, 50});
  CHECK(fake.evictions.empty());
  CHECK(manager.pressure().disk);
  CHECK(fake.events == std::vector<std::string>{"EvictionThresholdMet: Attempting to reclaim ephemeral-storage"});
}

TEST_CASE("disk pressure evicts the largest disk user when reclaiming is not enough") {
  Fake fake;
  fake.readings.nodefs = FsReading{1000, 50, 1000, 1000};
  fake.pods = {make_pod("small", std::nullopt), make_pod("big", std::nullopt)};
  fake.usage = {{"uid-small", PodUsage{{ContainerUsage{"c", {}, 10, 1}}}},
                {"uid-big", PodUsage{{ContainerUsage{"c", {}, 500, 1}}}}};
  EvictionManager manager(config({{"nodefs.available", "10%"}}), fake.deps(true, 1));
  const auto evicted = manager.synchronize();
  REQUIRE(evicted.size() == 1);
  CHECK(evicted[0].metadata.name == "big");
  CHECK(fake.evictions.at(0).message ==
        "The node was low on resource: ephemeral-storage. Threshold quantity: 100, available: 50. ");  // as observed before reclaiming, as kubelet
}

pod::Pod with_empty_dir(pod::Pod p, int64_t size_limit) {
  pod::Volume v;
  v.name = "scratch";
  v.source = pod::EmptyDirVolume{false, size_limit};
  p.spec.volumes.push_back(v);
  return p;
}

TEST_CASE("local storage: every pod over its own limits is evicted at grace 0 in one round, without node pressure") {
  Fake fake;
  fake.readings.memory_total = 1024 * kMi;
  fake.readings.root_working_set = 100 * kMi;  // no signal crossed
  auto limited = make_pod("limited", std::nullopt);
  limited.spec.containers[0].resources.limits.ephemeral_storage_bytes = 2 * kMi;
  fake.pods = {with_empty_dir(make_pod("full", std::nullopt), 4 * kMi), limited, make_pod("free", std::nullopt),
               with_empty_dir(make_pod("within", std::nullopt), 4 * kMi)};
  fake.usage = {
      {"uid-full", PodUsage{{ContainerUsage{"c", {}, 0, 1, 0, 1}}, {VolumeUsage{"scratch", 8 * kMi, 1}}}},
      {"uid-limited", PodUsage{{ContainerUsage{"c", {}, 1 * kMi, 1, 2 * kMi, 1}}, {}}},
      {"uid-free", PodUsage{{ContainerUsage{"c", {}, 900 * kMi, 1, 0, 1}}, {}}},
      {"uid-within", PodUsage{{ContainerUsage{"c", {}, 0, 1, 0, 1}}, {VolumeUsage{"scratch", 3 * kMi, 1}}}}};
  bool dedicated = false;
  auto deps = fake.deps();
  deps.dedicated_image_fs = [&dedicated] { return dedicated; };
  EvictionManager manager(config({{"memory.available", "100Mi"}}), deps);
  const auto evicted = manager.synchronize();
  REQUIRE(evicted.size() == 2);
  CHECK(evicted[0].metadata.name == "full");
  CHECK(evicted[1].metadata.name == "limited");
  REQUIRE(fake.evictions.size() == 2);
  CHECK(fake.evictions[0].grace == 0);
  CHECK(fake.evictions[0].message == "Usage of EmptyDir volume \"scratch\" exceeds the limit \"4Mi\". ");
  // The pod's 3Mi exceed its only container's 2Mi: the pod's sum is checked first.
  CHECK(fake.evictions[1].message == "Pod ephemeral local storage usage exceeds the total limit of containers 2Mi. ");
  CHECK_FALSE(manager.pressure().any());
  CHECK(fake.events.empty());
}

TEST_CASE("local storage: pods without such limits are never measured for it") {
  Fake fake;
  fake.readings.memory_total = 1024 * kMi;
  fake.readings.root_working_set = 100 * kMi;
  fake.pods = {make_pod("a", std::nullopt)};
  int reads = 0;
  auto deps = fake.deps();
  deps.pod_usage = [&reads](const std::vector<pod::Pod>&) {
    ++reads;
    return PodUsages{};
  };
  EvictionManager manager(config({{"memory.available", "100Mi"}}), deps);
  CHECK(manager.synchronize().empty());
  CHECK(reads == 0);
}

TEST_CASE("disk pressure beside a dedicated image filesystem ranks nodefs by logs and volumes") {
  Fake fake;
  fake.readings.nodefs = FsReading{1000, 50, 1000, 1000};
  fake.pods = {make_pod("layer", std::nullopt), make_pod("writer", std::nullopt)};
  fake.usage = {{"uid-layer", PodUsage{{ContainerUsage{"c", {}, 500, 1, 0, 1}}, {}}},
                {"uid-writer", PodUsage{{ContainerUsage{"c", {}, 0, 1, 4, 1}}, {VolumeUsage{"v", 300, 1}}}}};
  auto deps = fake.deps(true, 1);
  deps.dedicated_image_fs = [] { return true; };
  EvictionManager manager(config({{"nodefs.available", "10%"}}), deps);
  const auto evicted = manager.synchronize();
  // Dead containers and images would free the image filesystem, not this one.
  CHECK(fake.reclaim_asks.empty());
  REQUIRE(evicted.size() == 1);
  CHECK(evicted[0].metadata.name == "writer");
  CHECK(fake.evictions.at(0).message ==
        "The node was low on resource: ephemeral-storage. Threshold quantity: 100, available: 50. Container c was "
        "using 4, request is 0, has larger consumption of ephemeral-storage. ");
}

TEST_CASE("imagefs pressure on a dedicated image filesystem reclaims there first") {
  Fake fake;
  fake.readings.imagefs = FsReading{1000, 50, 1000, 1000};
  fake.readings.nodefs = FsReading{1000, 50, 1000, 1000};  // the reclaim callbacks free nodefs in this fake
  fake.pods = {make_pod("a", std::nullopt)};
  auto deps = fake.deps(true, 40);
  deps.dedicated_image_fs = [] { return true; };
  EvictionManager manager(config({{"imagefs.available", "10%"}}), deps);
  manager.synchronize();
  CHECK(fake.reclaim_asks == std::vector<int64_t>{50, 50});
}

TEST_CASE("the monitoring thread evicts one pod per round and stops when told") {
  Fake fake;
  fake.readings.memory_total = 1024 * kMi;
  fake.readings.root_working_set = 1000 * kMi;
  fake.pods = {make_pod("a", std::nullopt)};
  std::atomic<int> evictions{0};
  auto deps = fake.deps();
  deps.now = {};
  deps.read_node = [readings = fake.readings] { return readings; };
  deps.active_pods = [pods = fake.pods] { return pods; };
  deps.pod_usage = [](const std::vector<pod::Pod>&) { return PodUsages{}; };
  deps.evict_pod = [&evictions](const pod::Pod&, int64_t, const std::string&) {
    ++evictions;
    return true;
  };
  deps.node_event = {};
  EvictionManager manager(config({{"memory.available", "100Mi"}}), deps);
  manager.start();
  for (int i = 0; i < 100 && evictions.load() < 2; ++i) std::this_thread::sleep_for(20ms);
  manager.stop();
  CHECK(evictions.load() >= 2);
  CHECK(manager.pressure().memory);
}

}  // namespace
}  // namespace agent::eviction
