#include "agent/config/manifest_set.h"

#include <doctest/doctest.h>

#include "tests/agent/support/manifests.h"

using agent::config::read_manifest_set;
using agent::config::summary;
using agent::pod::ObjectKind;
using agent::pod::PodSource;
using agent::testing::bad_pod_yaml;
using agent::testing::config_map_yaml;
using agent::testing::pod_yaml;
using agent::testing::secret_yaml;

namespace {
const PodSource kFile{PodSource::Kind::File, "/etc/pods/all.yaml", "node-a"};
const std::string kKey = "file:/etc/pods/all.yaml";
}  // namespace

TEST_CASE("manifest set: pods, objects and the rejections of each, apart") {
  const std::string text = pod_yaml("web") + "---\n" + config_map_yaml("settings", "k", "v") + "---\n" +
                           secret_yaml("creds", "password", "s3cret-value") + "---\n" + bad_pod_yaml("broken") +
                           "---\napiVersion: v1\nkind: Secret\nmetadata: {name: bad-secret, namespace: team}\n"
                           "data: {password: \"s3cret-value\"}\n";
  const auto set = read_manifest_set(text, kFile, kKey);
  REQUIRE(set.pods.size() == 1);
  CHECK(set.pods[0].metadata.name == "web-node-a");
  REQUIRE(set.objects.size() == 2);
  CHECK(set.objects[0].kind == ObjectKind::ConfigMap);
  CHECK(set.objects[0].name == "settings");
  CHECK(set.objects[1].kind == ObjectKind::Secret);
  CHECK(set.objects[1].data.at("password") == "s3cret-value");

  // The bad pod is a pod's rejection (its status shows it); the bad Secret
  // is only a message, which names it and never its value.
  REQUIRE(set.rejected.size() == 1);
  CHECK(set.rejected[0].name == "broken-node-a");
  CHECK(set.rejected[0].source_key == kKey);
  REQUIRE(set.rejected_objects.size() == 1);
  const std::string& message = set.rejected_objects[0];
  CHECK(message.rfind("Secret team/bad-secret from " + kKey + ": ", 0) == 0);
  CHECK(message.find("data[password]") != std::string::npos);
  CHECK(message.find("s3cret") == std::string::npos);

  CHECK_FALSE(set.empty());
  CHECK(summary(set) == "1 pods, 1 ConfigMaps, 1 Secrets, 2 rejected");
}

TEST_CASE("manifest set: a text of objects only is not empty; one of rejections only is") {
  CHECK_FALSE(read_manifest_set(config_map_yaml("settings", "k", "v"), kFile, kKey).empty());
  const auto bad = read_manifest_set("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\nbogus: 1\n", kFile, kKey);
  CHECK(bad.empty());
  CHECK(bad.rejected.empty());
  CHECK(bad.rejected_objects.size() == 1);
  // A text that is not YAML at all is a pod's rejection, as before.
  const auto garbage = read_manifest_set("kind: [Secret\n", kFile, kKey);
  CHECK(garbage.rejected.size() == 1);
  CHECK(garbage.rejected_objects.empty());
}
