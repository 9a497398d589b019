// Init containers run one by one, to completion, before the app containers;
// a failing one under restartPolicy Never fails the pod and no app container
// is ever created.
#include <doctest/doctest.h>

#include "tests/agent/e2e/e2e_fixture.h"
#include "tests/support/wait_for.h"

namespace e2e {
namespace {

long long time_of(const json& status, const char* state, const char* field) {
  const json at = pick(status, {"state", state, field});
  return at.is_string() ? unix_seconds(at.get<std::string>()) : -1;
}

TEST_CASE("init containers run in order, each to completion, before the app container starts") {
  Node node;
  // The first runs for a second: had the second started beside it, its
  // start would precede the first's finish even at one-second resolution.
  node.write_manifest(
      "init.json",
      pod_manifest(node.ns(), "init", json::array({shell_container("app", "echo app started; exec sleep 3600")}),
                   "Always",
                   json::array({shell_container("first", "echo init first; sleep 1"),
                                shell_container("second", "echo init second")})));
  const json pod = node.wait_pod(node.static_name("init"), running_and_ready, "Running after both init containers");
  CHECK(condition(pod, "Initialized") == "True");

  const json first = container_status(pod, "first", true);
  const json second = container_status(pod, "second", true);
  const json app = container_status(pod, "app");
  REQUIRE_FALSE(first.is_null());
  REQUIRE_FALSE(second.is_null());
  for (const json* init : {&first, &second}) {
    CHECK(state_kind(pick(*init, {"state"})) == "terminated");
    CHECK(pick(*init, {"state", "terminated", "exitCode"}) == 0);
    CHECK(pick(*init, {"state", "terminated", "reason"}) == "Completed");
    CHECK(pick(*init, {"restartCount"}) == 0);
  }
  INFO("first: " << first.dump() << "\nsecond: " << second.dump() << "\napp: " << app.dump());
  CHECK(time_of(first, "terminated", "finishedAt") > 0);
  CHECK(time_of(first, "terminated", "finishedAt") <= time_of(second, "terminated", "startedAt"));
  CHECK(time_of(second, "terminated", "finishedAt") <= time_of(app, "running", "startedAt"));

  node.wait_log(pod, "first", "init first");
  node.wait_log(pod, "second", "init second");
  node.wait_log(pod, "app", "app started");
}

TEST_CASE("a failing init container under restartPolicy Never fails the pod; the app container is never created") {
  Node node;
  node.write_manifest(
      "blocked.json",
      pod_manifest(node.ns(), "blocked", json::array({shell_container("app", "exec sleep 3600")}), "Never",
                   json::array({shell_container("setup", "echo setup fails; exit 1")})));
  const json pod = node.wait_pod(node.static_name("blocked"), [](const json& p) { return phase(p) == "Failed"; }, "phase Failed");
  CHECK(condition(pod, "Initialized") == "False");
  const json setup = container_status(pod, "setup", true);
  CHECK(pick(setup, {"state", "terminated", "exitCode"}) == 1);
  const json app = container_status(pod, "app");
  if (!app.is_null()) {
    CHECK(state_kind(pick(app, {"state"})) != "running");
    CHECK(state_kind(pick(app, {"state"})) != "terminated");
    CHECK(app.value("containerID", "") == "");
  }
  node.wait_log(pod, "setup", "setup fails");

  // For a few relists and resyncs after the failure, no app container appears.
  const std::string pod_uid = uid(pod);
  const bool app_created = support::wait_for(
      [&] {
        for (const auto& c : node.containers_of(pod_uid))
          if (c.labels().count("io.kubernetes.container.name") && c.labels().at("io.kubernetes.container.name") == "app")
            return true;
        return false;
      },
      3s);
  CHECK_FALSE(app_created);
}

}  // namespace
}  // namespace e2e
