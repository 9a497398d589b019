// The container GC decisions (gc/container_gc_policy.h), on the facts of
// kubelet's own GC test tables: per-container limit, minimum age, the
// global limit's fair share, deleted and finished pods, sandboxes, log
// directories.
#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <set>

#include "agent/gc/container_gc_policy.h"

namespace agent::gc {
namespace {

constexpr int64_t kSecond = 1'000'000'000;
constexpr int64_t kNow = 1'000'000 * kSecond;

// Pods by UID: "deleted" is gone, "finished" terminated, every other active.
PodPresence presence_of(const std::string& uid) {
  if (uid == "deleted") return PodPresence::Gone;
  if (uid == "finished") return PodPresence::Terminated;
  return PodPresence::Active;
}

// A container of pod `uid` named `name`, created `created` seconds after
// the epoch (far older than any minimum age) unless told otherwise.
ContainerInfo container(const std::string& uid, const std::string& name, int64_t created,
                        ContainerRunState state = ContainerRunState::Exited) {
  const std::string id = uid + "/" + name + "/" + std::to_string(created);
  return ContainerInfo{id, uid, name, "sandbox-" + uid, state, created * kSecond};
}

GcConditions conditions(bool all_sources_ready = true, bool evict_terminated = false) {
  return GcConditions{kNow, all_sources_ready, evict_terminated};
}

// The IDs of `all` that survive `policy`.
std::set<std::string> remaining(const std::vector<ContainerInfo>& all, const ContainerGcPolicy& policy,
                                const GcConditions& when = conditions()) {
  std::set<std::string> ids;
  for (const auto& c : all) ids.insert(c.id);
  for (const auto& r : containers_to_remove(all, policy, when, presence_of)) CHECK(ids.erase(r.id) == 1);
  return ids;
}

std::set<std::string> ids_of(const std::vector<ContainerInfo>& all, std::initializer_list<int> indexes) {
  std::set<std::string> ids;
  for (int i : indexes) ids.insert(all[i].id);
  return ids;
}

const ContainerGcPolicy kKubeletTestPolicy{3600 * kSecond, 2, 6};  // MinAge 1 h, 2 per container, 6 in all

TEST_SUITE("unit") {

TEST_CASE("each container keeps its newest dead ones up to the per-container limit") {
  const std::vector<ContainerInfo> all = {container("foo", "bar", 2), container("foo", "bar", 1),
                                          container("foo", "bar", 0)};
  CHECK(remaining(all, kKubeletTestPolicy) == ids_of(all, {0, 1}));
  CHECK(remaining(all, ContainerGcPolicy{0, 1, -1}) == ids_of(all, {0}));
  CHECK(remaining(all, ContainerGcPolicy{0, 0, -1}).empty());
  CHECK(remaining(all, ContainerGcPolicy{0, -1, -1}) == ids_of(all, {0, 1, 2}));  // no limit at all
}

TEST_CASE("the per-container limit applies to each pod UID and container name pair") {
  const std::vector<ContainerInfo> all = {
      container("foo", "bar", 2),  container("foo", "bar", 1),  container("foo", "bar", 0),
      container("foo1", "baz", 2), container("foo1", "baz", 1), container("foo1", "baz", 0),
      container("foo2", "bar", 2), container("foo2", "bar", 1), container("foo2", "bar", 0)};
  CHECK(remaining(all, kKubeletTestPolicy) == ids_of(all, {0, 1, 3, 4, 6, 7}));
}

TEST_CASE("running containers and those younger than the minimum age stay") {
  const std::vector<ContainerInfo> running = {container("foo", "bar", 2), container("foo", "bar", 1),
                                              container("foo", "bar", 0, ContainerRunState::Running)};
  CHECK(remaining(running, kKubeletTestPolicy) == ids_of(running, {0, 1, 2}));

  // Created within the last hour: none may go, whatever the limits say.
  const int64_t recent = kNow / kSecond - 60;
  const std::vector<ContainerInfo> young = {container("foo", "bar", recent), container("foo", "bar", recent - 1),
                                            container("foo", "bar", recent - 2)};
  CHECK(remaining(young, kKubeletTestPolicy) == ids_of(young, {0, 1, 2}));
  CHECK(remaining(young, ContainerGcPolicy{3600 * kSecond, 0, 0}).size() == 3);
  // The boundary: exactly the minimum age old is old enough.
  const std::vector<ContainerInfo> edge = {container("foo", "bar", kNow / kSecond - 3600),
                                           container("foo", "baz", kNow / kSecond - 3600)};
  CHECK(remaining(edge, ContainerGcPolicy{3600 * kSecond, 0, -1}).empty());
}

TEST_CASE("created and unknown containers count as dead and an unknown one is stopped first") {
  const std::vector<ContainerInfo> all = {container("foo", "bar", 0, ContainerRunState::Unknown),
                                          container("foo", "baz", 0, ContainerRunState::Created)};
  const auto removals = containers_to_remove(all, ContainerGcPolicy{3600 * kSecond, 0, 0}, conditions(), presence_of);
  REQUIRE(removals.size() == 2);
  std::map<std::string, bool> stop_first;
  for (const auto& r : removals) stop_first[r.id] = r.stop_first;
  CHECK(stop_first[all[0].id]);
  CHECK_FALSE(stop_first[all[1].id]);
}

TEST_CASE("a container just created is not dead yet and does not push its predecessor out") {
  const int64_t now_s = kNow / kSecond;
  const std::vector<ContainerInfo> all = {container("foo", "bar", now_s - 1, ContainerRunState::Created),
                                          container("foo", "bar", now_s - 10), container("foo", "bar", now_s - 20)};
  CHECK(remaining(all, ContainerGcPolicy{0, 1, -1}) == ids_of(all, {0, 1}));
  // Left created for longer than the grace: abandoned, dead like any other.
  const std::vector<ContainerInfo> old = {container("foo", "bar", now_s - 61, ContainerRunState::Created),
                                          container("foo", "bar", now_s - 70)};
  CHECK(remaining(old, ContainerGcPolicy{0, 1, -1}) == ids_of(old, {0}));
}

TEST_CASE("the global limit goes down to an equal share of every container then to the oldest") {
  SUBCASE("no per-container limit: the oldest go") {
    const std::vector<ContainerInfo> all = {container("foo", "bar", 4), container("foo", "bar", 3),
                                            container("foo", "bar", 2), container("foo", "bar", 1),
                                            container("foo", "bar", 0)};
    CHECK(remaining(all, ContainerGcPolicy{60 * kSecond, -1, 4}) == ids_of(all, {0, 1, 2, 3}));
  }
  SUBCASE("a limit of 0 removes everything dead") {
    const std::vector<ContainerInfo> all = {container("foo", "bar", 0)};
    CHECK(remaining(all, ContainerGcPolicy{60 * kSecond, 1, 0}).empty());
  }
  SUBCASE("every pod keeps one before any pod keeps two") {
    std::vector<ContainerInfo> all;
    for (int pod = 0; pod < 5; ++pod) {
      const std::string uid = "foo" + std::to_string(pod);
      all.push_back(container(uid, "bar", 1));
      all.push_back(container(uid, "bar", 0));
    }
    CHECK(remaining(all, kKubeletTestPolicy) == ids_of(all, {0, 2, 4, 6, 8}));
  }
  SUBCASE("more containers than the limit: the oldest of the survivors go") {
    const std::vector<ContainerInfo> all = {
        container("foo", "bar", 2),   container("foo", "bar", 1),   container("foo1", "bar1", 2),
        container("foo1", "bar1", 1), container("foo2", "bar2", 1), container("foo3", "bar3", 0),
        container("foo4", "bar4", 1), container("foo5", "bar5", 0), container("foo6", "bar6", 2),
        container("foo7", "bar7", 1)};
    CHECK(remaining(all, kKubeletTestPolicy) == ids_of(all, {0, 2, 4, 6, 8, 9}));
  }
}

TEST_CASE("a pod that is gone loses every dead container once every source has spoken") {
  const int64_t recent = kNow / kSecond - 1;
  const std::vector<ContainerInfo> all = {container("foo", "bar", 1), container("foo", "bar", 0),
                                          container("deleted", "bar1", recent),  // still respects the minimum age
                                          container("deleted", "bar1", 1), container("deleted", "bar1", 0)};
  CHECK(remaining(all, kKubeletTestPolicy) == ids_of(all, {0, 1, 2}));
  // Before the sources are all read, a pod not read yet looks gone: only
  // the policy's limits apply then (the young one is not counted).
  CHECK(remaining(all, kKubeletTestPolicy, conditions(false)) == ids_of(all, {0, 1, 2, 3, 4}));
  CHECK(remaining(all, ContainerGcPolicy{3600 * kSecond, 1, -1}, conditions(false)) == ids_of(all, {0, 2, 3}));
}

TEST_CASE("finished pods lose their dead containers only when the caller asks for it") {
  const std::vector<ContainerInfo> all = {container("finished", "bar", 2), container("finished", "bar", 1),
                                          container("foo", "bar1", 2), container("foo", "bar1", 1),
                                          container("foo3", "bar3", 0, ContainerRunState::Running)};
  CHECK(remaining(all, kKubeletTestPolicy) == ids_of(all, {0, 1, 2, 3, 4}));
  CHECK(remaining(all, kKubeletTestPolicy, conditions(true, true)) == ids_of(all, {2, 3, 4}));
  CHECK(remaining(all, kKubeletTestPolicy, conditions(false, true)) == ids_of(all, {0, 1, 2, 3, 4}));
}

// --- sandboxes ---------------------------------------------------------------

SandboxInfo sandbox(const std::string& id, const std::string& uid, bool ready, int64_t created) {
  return SandboxInfo{id, uid, ready, created * kSecond};
}

std::set<std::string> sandboxes_left(const std::vector<SandboxInfo>& sandboxes,
                                     const std::vector<ContainerInfo>& containers,
                                     const GcConditions& when = conditions()) {
  std::set<std::string> ids;
  for (const auto& s : sandboxes) ids.insert(s.id);
  for (const auto& id : sandboxes_to_remove(sandboxes, containers, when, presence_of)) CHECK(ids.erase(id) == 1);
  return ids;
}

ContainerInfo in_sandbox(const std::string& sandbox_id, const std::string& uid) {
  ContainerInfo c = container(uid, "bar", 0);
  c.sandbox_id = sandbox_id;
  return c;
}

TEST_CASE("a dead sandbox without containers of a pod that is gone is removed; a ready one stays") {
  CHECK(sandboxes_left({sandbox("s", "deleted", false, 0)}, {}).empty());
  CHECK(sandboxes_left({sandbox("s", "deleted", true, 0)}, {}) == std::set<std::string>{"s"});
  // Not before the sources are all read.
  CHECK(sandboxes_left({sandbox("s", "deleted", false, 0)}, {}, conditions(false)) == std::set<std::string>{"s"});
}

TEST_CASE("a live pod keeps its newest sandbox and the ones that still hold containers") {
  CHECK(sandboxes_left({sandbox("a", "foo", true, 0), sandbox("b", "foo2", false, 0)}, {}) ==
        std::set<std::string>{"a", "b"});
  CHECK(sandboxes_left({sandbox("new", "foo", false, 1), sandbox("old", "foo", false, 0)}, {}) ==
        std::set<std::string>{"new"});
  CHECK(sandboxes_left({sandbox("new", "foo", false, 1), sandbox("old", "foo", false, 0)},
                       {in_sandbox("old", "foo")}) == std::set<std::string>{"new", "old"});
  CHECK(sandboxes_left({sandbox("s", "deleted", false, 0)}, {in_sandbox("s", "deleted")}) ==
        std::set<std::string>{"s"});
}

TEST_CASE("finished pods lose their dead sandboxes when the caller asks for it") {
  const std::vector<SandboxInfo> all = {sandbox("a", "foo", true, 0), sandbox("b", "finished", false, 0)};
  CHECK(sandboxes_left(all, {}) == std::set<std::string>{"a", "b"});
  CHECK(sandboxes_left(all, {}, conditions(true, true)) == std::set<std::string>{"a"});
}

TEST_CASE("several pods' sandboxes at once") {
  const std::vector<SandboxInfo> all = {
      sandbox("running", "foo", true, 1),         // ready
      sandbox("dead-empty", "foo", false, 0),     // older, no containers: goes
      sandbox("dead-holding", "foo1", false, 1),  // holds a container
      sandbox("dead-older", "foo1", false, 0),    // older, no containers: goes
      sandbox("deleted", "deleted", false, 0),    // pod gone: goes
  };
  CHECK(sandboxes_left(all, {in_sandbox("dead-holding", "foo1")}) == std::set<std::string>{"running", "dead-holding"});
}

// --- log directories ------------------------------------------------------------

TEST_CASE("log directories of pods that are gone are removed once every source has spoken") {
  const std::vector<std::string> names = {"ns_pod_foo", "ns_other_deleted", "deleted", "ns_pod_finished", "junk"};
  CHECK(log_dirs_to_remove(names, conditions(), presence_of) == std::vector<std::string>{"ns_other_deleted"});
  CHECK(log_dirs_to_remove(names, conditions(false), presence_of).empty());
  CHECK(pod_uid_of_log_dir("default_web-node1_1234-abcd") == "1234-abcd");
  CHECK(pod_uid_of_log_dir("1234-abcd").empty());
}

}  // TEST_SUITE

}  // namespace
}  // namespace agent::gc
