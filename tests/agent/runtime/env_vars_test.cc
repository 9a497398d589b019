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

namespace {

PodEnvContext ctx_with_objects() {
  PodEnvContext c = ctx();
  c.objects = [](pod::ObjectKind kind, const std::string& ns, const std::string& name) -> std::optional<pod::ConfigObject> {
    if (ns != "shop") return std::nullopt;
    if (kind == pod::ObjectKind::ConfigMap && name == "cfg")
      return pod::ConfigObject{kind, ns, name, {{"LEVEL", "info"}, {"1BAD", "x"}, {"mode", "$(A)"}}, false};
    if (kind == pod::ObjectKind::Secret && name == "sec")
      return pod::ConfigObject{kind, ns, name, {{"token", "s3cr3t"}}, false};
    return std::nullopt;
  };
  return c;
}

pod::EnvVar from_config_map(const std::string& name, const std::string& object, const std::string& key,
                            bool optional = false) {
  pod::EnvVar e;
  e.name = name;
  e.config_map_key_ref = pod::ObjectKeyRef{object, key, optional};
  return e;
}

}  // namespace

TEST_CASE("env: envFrom comes first with its prefix and env overrides it") {
  pod::Pod pod = test::basic_pod();
  auto& c = pod.spec.containers[0];
  c.env_from = {{"CFG_", false, "cfg", false}, {"", true, "sec", false}};
  c.env = {literal("CFG_LEVEL", "override")};
  const auto env = make_env(pod, c, ctx_with_objects());
  // "1BAD" with no prefix would be no variable name; with "CFG_" it is one.
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"CFG_1BAD", "x"}, {"CFG_LEVEL", "override"}, {"CFG_mode", "$(A)"}, {"token", "s3cr3t"}};
  CHECK(env == expected);
  c.env_from = {{"", false, "cfg", false}};
  c.env.clear();
  const auto unprefixed = make_env(pod, c, ctx_with_objects());
  CHECK(unprefixed.size() == 2);  // 1BAD is skipped, as kubelet skips it
}

TEST_CASE("env: configMapKeyRef and secretKeyRef values are taken as they are") {
  pod::Pod pod = test::basic_pod();
  auto& c = pod.spec.containers[0];
  pod::EnvVar token;
  token.name = "TOKEN";
  token.secret_key_ref = pod::ObjectKeyRef{"sec", "token", false};
  c.env = {literal("A", "a"), from_config_map("MODE", "cfg", "mode"), token};
  const auto env = make_env(pod, c, ctx_with_objects());
  REQUIRE(env.size() == 3);
  CHECK(env[1] == std::make_pair(std::string("MODE"), std::string("$(A)")));  // not expanded
  CHECK(env[2] == std::make_pair(std::string("TOKEN"), std::string("s3cr3t")));
}

TEST_CASE("env: a missing object or key fails unless optional") {
  pod::Pod pod = test::basic_pod();
  auto& c = pod.spec.containers[0];
  c.env = {from_config_map("X", "nope", "k")};
  CHECK_THROWS_WITH_AS(make_env(pod, c, ctx_with_objects()), "configmap \"nope\" not found", std::invalid_argument);
  c.env = {from_config_map("X", "cfg", "missing")};
  CHECK_THROWS_WITH_AS(make_env(pod, c, ctx_with_objects()), "couldn't find key missing in ConfigMap shop/cfg",
                       std::invalid_argument);
  c.env = {from_config_map("X", "cfg", "missing", true), from_config_map("Y", "nope", "k", true)};
  CHECK(make_env(pod, c, ctx_with_objects()).empty());
  c.env.clear();
  c.env_from = {{"", true, "nope", false}};
  CHECK_THROWS_WITH_AS(make_env(pod, c, ctx_with_objects()), "secret \"nope\" not found", std::invalid_argument);
  c.env_from = {{"", true, "nope", true}};
  CHECK(make_env(pod, c, ctx_with_objects()).empty());
}
