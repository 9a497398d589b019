#include "agent/objects/object_json.h"

#include <doctest/doctest.h>

#include "agent/pod/manifest_parser.h"

using agent::objects::kRedactedAnnotation;
using agent::objects::object_list_to_json;
using agent::objects::object_to_json;
using agent::objects::SecretValues;
using agent::pod::ConfigObject;
using agent::pod::ObjectKind;
using nlohmann::json;

namespace {

ConfigObject secret() {
  ConfigObject s;
  s.kind = ObjectKind::Secret;
  s.namespace_ = "team";
  s.name = "creds";
  s.type = "kubernetes.io/basic-auth";
  s.data = {{"username", "admin"}, {"password", "hunter2-secret"}};
  s.immutable = true;
  return s;
}

ConfigObject config_map() {
  ConfigObject cm;
  cm.kind = ObjectKind::ConfigMap;
  cm.name = "settings";
  cm.data = {{"text", "héllo\n"}, {"blob", std::string("\x00\xff\xfe", 3)}, {"overlong", "\xc0\xaf"}};
  return cm;
}

// What the parser reads back from `j`.
ConfigObject read_back(const json& j) {
  auto docs = agent::pod::parse_manifest(j.dump(), {agent::pod::PodSource::Kind::Api, "api", ""});
  REQUIRE(docs.size() == 1);
  INFO(docs[0].error);
  REQUIRE(docs[0].object);
  return *docs[0].object;
}

}  // namespace

TEST_CASE("object json: a ConfigMap: text in data, other bytes in binaryData, read back the same") {
  const json j = object_to_json(config_map(), SecretValues::Redacted);
  CHECK(j["apiVersion"] == "v1");
  CHECK(j["kind"] == "ConfigMap");
  CHECK(j["metadata"] == json{{"name", "settings"}, {"namespace", "default"}});
  CHECK(j["data"] == json{{"text", "héllo\n"}});
  CHECK(j["binaryData"] == json{{"blob", "AP/+"}, {"overlong", "wK8="}});
  CHECK_FALSE(j.contains("immutable"));
  CHECK(read_back(j) == config_map());
  // Without values, both maps are left out.
  ConfigObject bare = config_map();
  bare.data.clear();
  bare.immutable = true;
  const json k = object_to_json(bare, SecretValues::Redacted);
  CHECK_FALSE(k.contains("data"));
  CHECK_FALSE(k.contains("binaryData"));
  CHECK(k["immutable"] == true);
}

TEST_CASE("object json: a Secret is redacted unless its values are asked for") {
  const json redacted = object_to_json(secret(), SecretValues::Redacted);
  const std::string text = redacted.dump();
  CHECK(text.find("hunter2") == std::string::npos);
  CHECK(text.find("aHVudGVyMi1zZWNyZXQ") == std::string::npos);  // nor its base64
  CHECK(redacted["data"] == json{{"password", ""}, {"username", ""}});
  CHECK(json::parse(redacted["metadata"]["annotations"][kRedactedAnnotation].get<std::string>()) ==
        json{{"password", 14}, {"username", 5}});
  CHECK(redacted["type"] == "kubernetes.io/basic-auth");
  CHECK(redacted["immutable"] == true);

  const json full = object_to_json(secret(), SecretValues::Included);
  CHECK(full["data"]["password"] == "aHVudGVyMi1zZWNyZXQ=");
  CHECK_FALSE(full["metadata"].contains("annotations"));
  CHECK(read_back(full) == secret());
}

TEST_CASE("object json: lists have no apiVersion or kind per item, and redact Secrets") {
  const json list = object_list_to_json(ObjectKind::Secret, {secret()});
  CHECK(list["apiVersion"] == "v1");
  CHECK(list["kind"] == "SecretList");
  REQUIRE(list["items"].size() == 1);
  CHECK_FALSE(list["items"][0].contains("kind"));
  CHECK(list["items"][0]["data"]["password"] == "");
  CHECK(list.dump().find("hunter2") == std::string::npos);
  CHECK(object_list_to_json(ObjectKind::ConfigMap, {})["kind"] == "ConfigMapList");
  CHECK(object_list_to_json(ObjectKind::ConfigMap, {})["items"] == json::array());
}
