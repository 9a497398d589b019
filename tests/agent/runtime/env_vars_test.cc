#include <doctest/doctest.h>

#include <map>

#include "agent/runtime/env_vars.h"
#include "pod_fixture.h"

using namespace agent;
using namespace agent::runtime;

namespace {

std::string expand(const std::string& input, const std::map<std::string, std::string>& vars) {
  return expand_vars(input, [&](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  });
}

pod::EnvVar literal(const std::string& name, const std::string& value) { return {name, value, std::nullopt}; }
pod::EnvVar field(const std::string& name, const std::string& path) { return {name, "", path}; }

PodEnvContext ctx() {
  PodEnvContext c;
  c.pod_ip = "10.1.0.7";
  c.pod_ips = {"10.1.0.7", "fd00::7"};
  c.host_ip = "192.168.1.2";
  c.node_name = "node-ctx";
  return c;
}

}  // namespace

TEST_CASE("$(VAR) expansion as kubelet's expansion package") {
  const std::map<std::string, std::string> vars = {{"A", "alpha"}, {"B", "beta"}, {"EMPTY", ""}};
  CHECK(expand("$(A)", vars) == "alpha");
  CHECK(expand("x-$(A)-$(B)-y", vars) == "x-alpha-beta-y");
  CHECK(expand("$(EMPTY)|", vars) == "|");
  CHECK(expand("$(UNKNOWN)", vars) == "$(UNKNOWN)");   // left as written
  CHECK(expand("$$(A)", vars) == "$(A)");              // escaped
  CHECK(expand("$$$(A)", vars) == "$alpha");
  CHECK(expand("$$", vars) == "$");
  CHECK(expand("cost $5", vars) == "cost $5");         // not a reference
  CHECK(expand("$(A", vars) == "$(A");                 // unclosed
  CHECK(expand("trailing $", vars) == "trailing $");
  CHECK(expand("$()", vars) == "$()");                 // empty name, unknown
  CHECK(expand("no refs", vars) == "no refs");
  CHECK(expand("", vars) == "");
  CHECK(expand("$(A)$(B)", vars) == "alphabeta");
  CHECK(expand("$(A)(B)", vars) == "alpha(B)");
}

TEST_CASE("env values expand against the variables defined before them") {
  pod::Pod pod = test::basic_pod();
  auto& c = pod.spec.containers[0];
  c.env = {literal("HOST", "db"), literal("URL", "http://$(HOST):$(PORT)/"), literal("PORT", "5432"),
           literal("AGAIN", "$(PORT)"), literal("ESC", "$$(HOST)")};
  auto env = make_env(pod, c, ctx());
  REQUIRE(env.size() == 5);
  CHECK(env[0] == std::pair<std::string, std::string>{"HOST", "db"});
  CHECK(env[1].second == "http://db:$(PORT)/");  // PORT is defined later
  CHECK(env[3].second == "5432");
  CHECK(env[4].second == "$(HOST)");
}

TEST_CASE("a redefined variable keeps its first place with the last value") {
  pod::Pod pod = test::basic_pod();
  auto& c = pod.spec.containers[0];
  c.env = {literal("A", "1"), literal("B", "x"), literal("A", "$(A)2")};
  auto env = make_env(pod, c, ctx());
  REQUIRE(env.size() == 2);
  CHECK(env[0] == std::pair<std::string, std::string>{"A", "12"});
  CHECK(env[1].first == "B");
}

TEST_CASE("fieldRef values, not expanded") {
  pod::Pod pod = test::basic_pod();
  auto& c = pod.spec.containers[0];
  c.env = {field("NAME", "metadata.name"),   field("NS", "metadata.namespace"), field("UID", "metadata.uid"),
           field("NODE", "spec.nodeName"),   field("IP", "status.podIP"),       field("IPS", "status.podIPs"),
           field("HOST", "status.hostIP"),   field("SA", "spec.serviceAccountName"),
           literal("BOTH", "$(NAME).$(NS)"), literal("EMPTY", "")};
  auto env = make_env(pod, c, ctx());
  std::map<std::string, std::string> m(env.begin(), env.end());
  CHECK(m["NAME"] == "web");
  CHECK(m["NS"] == "shop");
  CHECK(m["UID"] == "0123-uid");
  CHECK(m["NODE"] == "node-a");  // the pod's spec.nodeName first
  CHECK(m["IP"] == "10.1.0.7");
  CHECK(m["IPS"] == "10.1.0.7,fd00::7");
  CHECK(m["HOST"] == "192.168.1.2");
  CHECK(m["SA"] == "");
  CHECK(m["BOTH"] == "web.shop");
  CHECK(m.count("EMPTY") == 1);
  CHECK(m["EMPTY"] == "");

  pod.spec.node_name.clear();
  CHECK(field_ref_value(pod, "spec.nodeName", ctx()) == "node-ctx");
  // Before the sandbox has an IP.
  CHECK(field_ref_value(pod, "status.podIP", PodEnvContext{}) == "");
}

TEST_CASE("an unknown fieldRef is refused with the container and variable named") {
  pod::Pod pod = test::basic_pod();
  pod.spec.containers[0].env = {field("X", "metadata.labels['app']")};
  CHECK_THROWS_WITH_AS(make_env(pod, pod.spec.containers[0], ctx()),
                       doctest::Contains("container \"app\" env X"), std::invalid_argument);
}

TEST_CASE("command and args expand against the final env") {
  const std::vector<std::pair<std::string, std::string>> env = {{"GREETING", "hello"}, {"WHO", "world"}};
  auto out = expand_all({"echo", "$(GREETING) $(WHO)", "$$(WHO)", "$(NOPE)"}, env);
  CHECK(out == std::vector<std::string>{"echo", "hello world", "$(WHO)", "$(NOPE)"});
}
