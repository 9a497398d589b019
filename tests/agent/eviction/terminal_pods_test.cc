// eviction/terminal_pods and terminal_pods_file: the evicted and refused
// pods, in memory and kept across restarts in one durable JSON file.
#include <doctest/doctest.h>

#include <filesystem>
#include <stdexcept>

#include "agent/eviction/terminal_pods.h"
#include "agent/eviction/terminal_pods_file.h"
#include "tests/agent/support/temp_dir.h"

namespace agent::eviction {
namespace {

namespace fs = std::filesystem;

const TerminalPod kEvicted{"Evicted", "The node was low on resource: memory. ", 30, false};
const TerminalPod kRefused{"Evicted", "The node had condition: [MemoryPressure]. ", 0, true};

bool same(const TerminalPod& a, const TerminalPod& b) {
  return a.reason == b.reason && a.message == b.message && a.grace_seconds == b.grace_seconds &&
         a.killed == b.killed;
}

TEST_CASE("in memory: the first mark wins, killed is recorded, forget drops the pod") {
  TerminalPods pods;
  CHECK(pods.mark("a", kEvicted));
  CHECK_FALSE(pods.mark("a", kRefused));
  REQUIRE(pods.get("a"));
  CHECK(same(*pods.get("a"), kEvicted));
  CHECK_FALSE(pods.killed("a"));
  pods.set_killed("a");
  CHECK(pods.killed("a"));
  CHECK_FALSE(pods.get("b"));
  pods.forget("a");
  CHECK_FALSE(pods.get("a"));
  CHECK(pods.size() == 0);
}

TEST_CASE("the file: every change is on disk and a new set (a restarted agent) reads it back") {
  agent::testing::TempDir dir;
  const std::string path = dir.file("root/terminal-pods.json");  // its directory is made
  {
    TerminalPods pods(path);
    CHECK(pods.size() == 0);
    CHECK_FALSE(fs::exists(path));  // nothing written until something changes
    pods.mark("evicted-uid", kEvicted);
    pods.mark("refused-uid", kRefused);
    pods.mark("gone-uid", kEvicted);
    pods.forget("gone-uid");
  }
  {
    TerminalPods restarted(path);
    CHECK(restarted.size() == 2);
    REQUIRE(restarted.get("evicted-uid"));
    CHECK(same(*restarted.get("evicted-uid"), kEvicted));
    REQUIRE(restarted.get("refused-uid"));
    CHECK(same(*restarted.get("refused-uid"), kRefused));
    CHECK_FALSE(restarted.get("gone-uid"));
    // The kill finished after the restart: that is kept too.
    restarted.set_killed("evicted-uid");
  }
  TerminalPods again(path);
  CHECK(again.killed("evicted-uid"));
  // Written whole through a temporary file: nothing else is left beside it.
  std::size_t files = 0;
  for (const auto& entry : fs::directory_iterator(dir.file("root"))) {
    CHECK(entry.path().filename() == "terminal-pods.json");
    ++files;
  }
  CHECK(files == 1);
  CHECK((fs::status(path).permissions() & fs::perms::all) == (fs::perms::owner_read | fs::perms::owner_write));
}

TEST_CASE("forget_unless drops the pods the agent no longer has, on disk too") {
  agent::testing::TempDir dir;
  const std::string path = dir.file("terminal-pods.json");
  TerminalPods pods(path);
  pods.mark("kept", kEvicted);
  pods.mark("removed-while-down", kRefused);
  const auto forgotten = pods.forget_unless([](const std::string& uid) { return uid == "kept"; });
  CHECK(forgotten == std::vector<std::string>{"removed-while-down"});
  CHECK(pods.forget_unless([](const std::string&) { return true; }).empty());
  TerminalPods restarted(path);
  CHECK(restarted.size() == 1);
  CHECK(restarted.get("kept"));
}

TEST_CASE("a file that is not ours counts as none and is replaced at the next change") {
  agent::testing::TempDir dir;
  const std::string path = dir.file("terminal-pods.json");
  for (const char* text : {"{not json", "{\"kind\": \"ImageGCRecords\", \"version\": 1}",
                           "{\"kind\": \"TerminalPods\", \"version\": 2, \"pods\": {}}",
                           "{\"kind\": \"TerminalPods\", \"version\": 1, \"pods\": {\"u\": {\"reason\": 1}}}"}) {
    CAPTURE(text);
    dir.write("terminal-pods.json", text);
    TerminalPods pods(path);
    CHECK(pods.size() == 0);
    pods.mark("u", kRefused);
    CHECK(TerminalPods(path).get("u"));
  }
}

TEST_CASE("a file that cannot be written leaves the set working in memory") {
  agent::testing::TempDir dir;
  dir.write("not-a-directory", "");
  TerminalPods pods(dir.file("not-a-directory/terminal-pods.json"));
  CHECK(pods.mark("u", kEvicted));
  pods.set_killed("u");
  CHECK(pods.killed("u"));
}

TEST_CASE("JSON: every field round-trips; a missing or mistyped field is refused") {
  const TerminalPodMap pods{{"a", kEvicted}, {"b", kRefused}};
  const auto back = terminal_pods_from_json(terminal_pods_to_json(pods));
  REQUIRE(back.size() == 2);
  CHECK(same(back.at("a"), kEvicted));
  CHECK(same(back.at("b"), kRefused));
  CHECK(terminal_pods_from_json(R"({"kind": "TerminalPods", "version": 1})").empty());
  CHECK_THROWS_AS(terminal_pods_from_json(
                      R"({"kind": "TerminalPods", "version": 1, "pods": {"a": {"reason": "Evicted", "message": "m", "killed": true}}})"),
                  std::invalid_argument);
  CHECK_THROWS_AS(
      terminal_pods_from_json(
          R"({"kind": "TerminalPods", "version": 1, "pods": {"a": {"reason": "Evicted", "message": "m", "gracePeriodSeconds": 0, "killed": "yes"}}})"),
      std::invalid_argument);
  CHECK_THROWS_AS(terminal_pods_from_json(R"({"kind": "TerminalPods", "version": 1, "pods": []})"),
                  std::invalid_argument);
}

TEST_CASE("apply_terminal: Failed with the pod's reason and message, one DisruptionTarget condition") {
  status::PodStatus status;
  status.phase = "Running";
  apply_terminal(status, kEvicted, 100);
  CHECK(status.phase == "Failed");
  CHECK(status.reason == "Evicted");
  CHECK(status.message == kEvicted.message);
  REQUIRE(status.conditions.size() == 1);
  CHECK(status.conditions[0].type == "DisruptionTarget");
  apply_terminal(status, kEvicted, 200);
  CHECK(status.conditions.size() == 1);
}

}  // namespace
}  // namespace agent::eviction
