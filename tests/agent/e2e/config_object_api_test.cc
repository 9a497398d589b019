// ConfigMaps and Secrets through the real agent's API: POSTed, listed (the
// Secret's value never in an answer nor in the agent's log), kept across a
// restart of the agent, and deleted for good.
#include <doctest/doctest.h>

#include <sys/stat.h>

#include <csignal>
#include <filesystem>

#include "common/base64.h"
#include "tests/agent/e2e/e2e_fixture.h"
#include "tests/support/wait_for.h"

namespace e2e {
namespace {

// The item of a ConfigMapList or SecretList named `name` in `ns`, or null.
json find_item(const json& list, const std::string& ns, const std::string& name) {
  for (const auto& item : list["items"])
    if (pick(item, {"metadata", "namespace"}) == ns && pick(item, {"metadata", "name"}) == name) return item;
  return nullptr;
}

json get_json(const support::AgentHttp& http, const std::string& path) {
  const auto reply = http.get(path);
  REQUIRE_MESSAGE(reply.status == 200, path << ": " << reply.status << " " << reply.body << reply.error);
  return json::parse(reply.body);
}

TEST_CASE("config objects: POST a ConfigMap and a Secret, GET them redacted, keep them across a restart, DELETE them") {
  Node node;
  const std::string secret_value = "s3cr3t-" + node.ns() + "-value";
  const std::string encoded = common::base64_encode(secret_value);
  const std::string config_map = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: " +
                                 node.ns() + "\ndata:\n  mode: fast\n";
  const std::string secret = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: creds\n  namespace: " + node.ns() +
                             "\ntype: kubernetes.io/basic-auth\nstringData:\n  username: admin\n  password: " +
                             secret_value + "\n";
  // What the answers and the log must never hold.
  auto leaks = [&](const std::string& text) {
    return text.find(secret_value) != std::string::npos || text.find(encoded) != std::string::npos;
  };

  auto http = node.http();
  auto reply = http.post("/configmaps", config_map);
  REQUIRE_MESSAGE(reply.status == 201, reply.status << " " << reply.body << reply.error);
  CHECK(pick(json::parse(reply.body), {"data", "mode"}) == "fast");
  reply = http.post("/secrets", secret);
  REQUIRE_MESSAGE(reply.status == 201, reply.status << " " << reply.body << reply.error);
  CHECK_FALSE(leaks(reply.body));
  // Each route takes its own kind only.
  reply = http.post("/configmaps", secret);
  CHECK(reply.status == 400);
  CHECK_FALSE(leaks(reply.body));

  // A ConfigMap from the manifest directory is listed beside the API's.
  node.write_manifest("objects.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: from-file, namespace: " +
                                          node.ns() + "}\ndata: {k: v}\n");
  const bool listed = support::wait_for(
      [&] { return !find_item(get_json(http, "/configmaps"), node.ns(), "from-file").is_null(); }, 10s);
  CHECK_MESSAGE(listed, "the manifest directory's ConfigMap is not listed\n" << node.agent_log_tail());

  auto check_served = [&](const support::AgentHttp& api) {
    const json config_maps = get_json(api, "/configmaps");
    CHECK(config_maps["kind"] == "ConfigMapList");
    const json settings = find_item(config_maps, node.ns(), "settings");
    REQUIRE_MESSAGE(!settings.is_null(), config_maps.dump());
    CHECK(pick(settings, {"data", "mode"}) == "fast");

    const auto secrets_reply = api.get("/secrets");
    REQUIRE(secrets_reply.status == 200);
    CHECK_FALSE(leaks(secrets_reply.body));
    const json creds = find_item(json::parse(secrets_reply.body), node.ns(), "creds");
    REQUIRE_MESSAGE(!creds.is_null(), secrets_reply.body);
    CHECK(creds["type"] == "kubernetes.io/basic-auth");
    CHECK(creds["data"] == json{{"password", ""}, {"username", ""}});
    CHECK(pick(creds, {"metadata", "annotations", "node-agent.io/redacted-data"}).is_string());
    const auto one = api.get("/secrets/" + node.ns() + "/creds");
    CHECK(one.status == 200);
    CHECK_FALSE(leaks(one.body));
  };
  check_served(http);

  // On disk for the next start, readable by the agent's user alone.
  const std::string dir = node.agent().root_dir() + "/api-objects";
  const std::string secret_file = dir + "/secret_" + node.ns() + "_creds.json";
  struct stat st {};
  REQUIRE(::stat(secret_file.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  REQUIRE(::stat(dir.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0700);

  // A restart of the agent keeps what the API was given.
  CHECK(node.agent().stop(SIGTERM) == 0);
  node.agent().restart();
  http = node.http();
  check_served(http);

  reply = http.del("/configmaps/" + node.ns() + "/settings");
  CHECK_MESSAGE(reply.status == 200, reply.status << " " << reply.body << reply.error);
  reply = http.del("/secrets/" + node.ns() + "/creds");
  CHECK_MESSAGE(reply.status == 200, reply.status << " " << reply.body << reply.error);
  CHECK_FALSE(leaks(reply.body));
  CHECK(http.del("/secrets/" + node.ns() + "/creds").status == 404);
  // The manifest's ConfigMap is not the API's to delete.
  CHECK(http.del("/configmaps/" + node.ns() + "/from-file").status == 404);
  CHECK(find_item(get_json(http, "/configmaps"), node.ns(), "settings").is_null());
  CHECK(find_item(get_json(http, "/secrets"), node.ns(), "creds").is_null());
  CHECK_FALSE(std::filesystem::exists(secret_file));

  // Gone for good: not back after another restart.
  node.agent().stop(SIGKILL);
  node.agent().restart();
  http = node.http();
  CHECK(http.get("/configmaps/" + node.ns() + "/settings").status == 404);
  CHECK(http.get("/secrets/" + node.ns() + "/creds").status == 404);

  const std::string log = node.agent().log();
  CHECK_MESSAGE(log.find("creds") != std::string::npos, "the log does not name the Secret at all");
  CHECK_FALSE_MESSAGE(leaks(log), "the agent's log holds the Secret's value\n" << node.agent_log_tail());
}

}  // namespace
}  // namespace e2e
