#include "agent/pod/object_parser.h"

#include <doctest/doctest.h>

#include "agent/pod/manifest_parser.h"
#include "agent/pod/yaml_fields.h"

using namespace agent::pod;

namespace {

const PodSource kFile{PodSource::Kind::File, "/etc/pods/objects.yaml", "node-a"};

ConfigObject one_object(const std::string& text) {
  auto docs = parse_manifest(text, kFile);
  REQUIRE(docs.size() == 1);
  INFO(docs[0].error);
  REQUIRE(docs[0].object.has_value());
  CHECK_FALSE(docs[0].pod.has_value());
  return *docs[0].object;
}

std::string one_error(const std::string& text) {
  auto docs = parse_manifest(text, kFile);
  REQUIRE(docs.size() == 1);
  REQUIRE_FALSE(docs[0].object.has_value());
  REQUIRE_FALSE(docs[0].pod.has_value());
  return docs[0].error;
}

const std::string kPrefix = "/etc/pods/objects.yaml document 1: ";

std::string secret_with(const std::string& fields) {
  return "apiVersion: v1\nkind: Secret\nmetadata: {name: creds}\n" + fields;
}
std::string config_map_with(const std::string& fields) {
  return "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\n" + fields;
}

}  // namespace

TEST_CASE("objects: a ConfigMap with data, binaryData and immutable") {
  const ConfigObject cm = one_object(R"(
apiVersion: v1
kind: ConfigMap
metadata:
  name: app.settings
  namespace: team
  uid: 5f1c0e2a-0000-1111-2222-333344445555
  creationTimestamp: "2024-01-01T00:00:00Z"
  resourceVersion: "12"
  labels: {app: web}
  annotations: {note: hello}
data:
  log.level: debug
  game.properties: |
    lives=3
    color=red
  empty:
binaryData:
  blob: AAEC/w==
immutable: true
)");
  CHECK(cm.kind == ObjectKind::ConfigMap);
  CHECK(cm.namespace_ == "team");
  CHECK(cm.name == "app.settings");
  CHECK(cm.immutable);
  CHECK(cm.type.empty());
  CHECK(cm.data.size() == 4);
  CHECK(cm.data.at("log.level") == "debug");
  CHECK(cm.data.at("game.properties") == "lives=3\ncolor=red\n");
  CHECK(cm.data.at("empty") == "");
  CHECK(cm.data.at("blob") == std::string("\x00\x01\x02\xff", 4));
}

TEST_CASE("objects: defaults: namespace default, not immutable, no data") {
  const ConfigObject cm = one_object("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bare}\n");
  CHECK(cm.namespace_ == "default");
  CHECK_FALSE(cm.immutable);
  CHECK(cm.data.empty());
  const ConfigObject secret = one_object("{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{\"name\":\"s\"}}");
  CHECK(secret.kind == ObjectKind::Secret);
  CHECK(secret.type == "Opaque");
  CHECK(secret.data.empty());
}

TEST_CASE("objects: a Secret's data is decoded and stringData is merged over it") {
  const ConfigObject s = one_object(secret_with(R"(type: example.com/custom
immutable: yes
data:
  username: YWRtaW4=
  password: b2xk
  folded: |
    aGVsbG8g
    d29ybGQ=
stringData:
  password: new-password
  token: abc
)"));
  CHECK(s.type == "example.com/custom");
  CHECK(s.immutable);
  CHECK(s.data.size() == 4);
  CHECK(s.data.at("username") == "admin");
  CHECK(s.data.at("password") == "new-password");
  CHECK(s.data.at("token") == "abc");
  // Line breaks inside base64 are skipped, as Go's decoder skips them.
  CHECK(s.data.at("folded") == "hello world");
}

TEST_CASE("objects: base64 is read as the API server reads []byte") {
  // Unpadded, the URL alphabet, anything else: refused.
  CHECK(one_error(secret_with("data: {password: c2VjcmV0Cg}\n")) ==
        kPrefix + "data[password]: not valid base64 (standard alphabet, padded)");
  CHECK(one_error(secret_with("data: {password: \"c2Vj-mV0\"}\n")).find("data[password]") != std::string::npos);
  CHECK(one_error(config_map_with("binaryData: {blob: \"%%%%\"}\n")) ==
        kPrefix + "binaryData[blob]: not valid base64 (standard alphabet, padded)");
  CHECK(one_object(secret_with("data: {empty: \"\", none: }\n")).data ==
        std::map<std::string, std::string>{{"empty", ""}, {"none", ""}});
}

TEST_CASE("objects: keys are validated as Kubernetes validates config keys") {
  for (const char* good : {"a", "A-b_c.d", "tls.crt", ".hidden", "0"})
    CHECK_NOTHROW(check_config_key(good, "data"));
  CHECK(one_error(config_map_with("data: {\"a/b\": x}\n")) ==
        kPrefix + "data[a/b]: \"a/b\" is not a valid key: letters, digits, '-', '_' and '.' only");
  CHECK(one_error(config_map_with("data: {\".\": x}\n")) == kPrefix + "data[.]: a key must not be '.'");
  CHECK(one_error(config_map_with("data: {\"..\": x}\n")) == kPrefix + "data[..]: a key must not be '..'");
  CHECK(one_error(config_map_with("data: {\"..data\": x}\n")) ==
        kPrefix + "data[..data]: a key must not start with '..'");
  CHECK(one_error(config_map_with("data: {\"\": x}\n")) == kPrefix + "data[]: a key must not be empty");
  CHECK(one_error(config_map_with("data: {" + std::string(254, 'k') + ": x}\n"))
            .find("a key must be at most 253 characters") != std::string::npos);
  CHECK_NOTHROW(one_object(config_map_with("data: {" + std::string(253, 'k') + ": x}\n")));
  CHECK(one_error(secret_with("stringData: {\"a b\": x}\n")).find("stringData[a b]") != std::string::npos);
  CHECK(one_error(secret_with("data: {\"a:b\": eA==}\n")).find("data[a:b]") != std::string::npos);
}

TEST_CASE("objects: a key in both data and binaryData is an error") {
  CHECK(one_error(config_map_with("data: {k: text}\nbinaryData: {k: AA==}\n")) ==
        kPrefix + "data[k]: duplicate of a key in binaryData");
}

TEST_CASE("objects: values of one object are at most 1 MiB together") {
  const std::string half(512 * 1024, 'x');
  CHECK_NOTHROW(one_object(config_map_with("data: {a: " + half + ", b: " + half + "}\n")));
  CHECK(one_error(config_map_with("data: {a: " + half + ", b: " + half + "x}\n")) ==
        kPrefix + "data: the values hold 1048577 bytes; at most 1048576 are allowed");
  CHECK(one_error(secret_with("stringData: {a: " + half + ", b: " + half + "x}\n")).find("1048577") !=
        std::string::npos);
}

TEST_CASE("objects: the built-in Secret types need their keys") {
  CHECK(one_error(secret_with("type: kubernetes.io/tls\nstringData: {tls.crt: c}\n")) ==
        kPrefix + "data[tls.key]: required for type kubernetes.io/tls");
  CHECK(one_object(secret_with("type: kubernetes.io/tls\nstringData: {tls.crt: c, tls.key: k}\n")).type ==
        "kubernetes.io/tls");
  CHECK(one_error(secret_with("type: kubernetes.io/ssh-auth\n")).find("data[ssh-privatekey]") != std::string::npos);
  CHECK(one_error(secret_with("type: kubernetes.io/basic-auth\nstringData: {other: x}\n")) ==
        kPrefix + "data: one of username and password is required for type kubernetes.io/basic-auth");
  CHECK_NOTHROW(one_object(secret_with("type: kubernetes.io/basic-auth\nstringData: {password: x}\n")));
  CHECK(one_error(secret_with("type: kubernetes.io/dockerconfigjson\n"
                              "stringData: {.dockerconfigjson: \"not: json\"}\n")) ==
        kPrefix + "data[.dockerconfigjson]: must be a JSON object");
  CHECK_NOTHROW(one_object(
      secret_with("type: kubernetes.io/dockerconfigjson\nstringData: {.dockerconfigjson: '{\"auths\": {}}'}\n")));
  CHECK(one_error(secret_with("type: kubernetes.io/service-account-token\n"))
            .find("metadata.annotations[kubernetes.io/service-account.name]: required") != std::string::npos);
  // Any other type is the author's own.
  CHECK(one_object(secret_with("type: \"\"\n")).type == "Opaque");
}

TEST_CASE("objects: no error ever quotes a value") {
  const std::string value = "hunter2-very-secret";
  const std::string cases[] = {
      secret_with("stringData: {password: " + value + "}\nbogus: 1\n"),
      secret_with("stringData: {password: [" + value + "]}\n"),
      secret_with("data: {password: \"" + value + "\"}\n"),
      secret_with("data: {password: {nested: " + value + "}}\n"),
      secret_with("type: kubernetes.io/dockerconfigjson\nstringData: {.dockerconfigjson: \"{" + value + "\"}\n"),
      secret_with("type: kubernetes.io/tls\nstringData: {tls.crt: " + value + "}\n"),
      secret_with("data: " + value + "\n"),
      config_map_with("binaryData: {blob: \"" + value + "\"}\n"),
  };
  for (const auto& text : cases) {
    const std::string error = one_error(text);
    INFO(error);
    CHECK_FALSE(error.empty());
    CHECK(error.find(value) == std::string::npos);
  }
}

TEST_CASE("objects: documents and metadata are checked as for pods") {
  CHECK(one_error("apiVersion: v2\nkind: ConfigMap\nmetadata: {name: x}\n") ==
        kPrefix + "apiVersion: expected \"v1\", got \"v2\"");
  CHECK(one_error("kind: Secret\nmetadata: {name: x}\n") == kPrefix + "apiVersion: required");
  CHECK(one_error("apiVersion: v1\nkind: ConfigMap\n") == kPrefix + "metadata: required");
  CHECK(one_error("apiVersion: v1\nkind: ConfigMap\nmetadata: {namespace: x}\n") ==
        kPrefix + "metadata.name: required");
  CHECK(one_error("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: Bad_Name}\n").find("metadata.name") !=
        std::string::npos);
  CHECK(one_error("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, namespace: a.b}\n")
            .find("metadata.namespace") != std::string::npos);
  CHECK(one_error("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, generateName: y}\n") ==
        kPrefix + "metadata.generateName: field not supported by node-agent");
  CHECK(one_error(config_map_with("spec: {}\n")) == kPrefix + "spec: field not supported by node-agent");
  // stringData and type are a Secret's fields, not a ConfigMap's.
  CHECK(one_error(config_map_with("stringData: {a: b}\n")) ==
        kPrefix + "stringData: field not supported by node-agent");
  CHECK(one_error(secret_with("binaryData: {a: AA==}\n")) == kPrefix + "binaryData: field not supported by node-agent");
  CHECK(one_error(config_map_with("data: [a, b]\n")) == kPrefix + "data: expected an object");
  CHECK(one_error(config_map_with("data: {a: [b]}\n")) == kPrefix + "data[a]: expected a string");
  CHECK(one_error(config_map_with("immutable: maybe\n")) == kPrefix + "immutable: expected true or false");
  CHECK(one_error(config_map_with("metadata2: x\n")) == kPrefix + "metadata2: field not supported by node-agent");
}

TEST_CASE("objects: the manifest parser dispatches by kind; names are never those of static pods") {
  auto docs = parse_manifest(R"(
apiVersion: v1
kind: ConfigMap
metadata: {name: settings}
data: {a: b}
---
apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  containers: [{name: app, image: busybox}]
---
apiVersion: v1
kind: Secret
metadata: {name: broken, namespace: team}
data: {a: "!"}
---
apiVersion: v1
kind: List
items:
- {apiVersion: v1, kind: Secret, metadata: {name: listed}, stringData: {k: v}}
- {apiVersion: v1, kind: Pod, metadata: {name: listed-pod}, spec: {containers: [{name: a, image: b}]}}
)",
                             kFile);
  REQUIRE(docs.size() == 5);
  REQUIRE(docs[0].object.has_value());
  CHECK(docs[0].kind == "ConfigMap");
  CHECK(docs[0].name == "settings");
  CHECK(docs[0].object->name == "settings");
  REQUIRE(docs[1].pod.has_value());
  CHECK(docs[1].kind == "Pod");
  CHECK(docs[1].name == "web-node-a");
  CHECK_FALSE(docs[2].object.has_value());
  CHECK(docs[2].kind == "Secret");
  CHECK(docs[2].namespace_ == "team");
  CHECK(docs[2].name == "broken");
  CHECK(docs[2].error == "/etc/pods/objects.yaml document 3: data[a]: not valid base64 (standard alphabet, padded)");
  REQUIRE(docs[3].object.has_value());
  CHECK(docs[3].object->kind == ObjectKind::Secret);
  CHECK(docs[3].object->data.at("k") == "v");
  CHECK(docs[3].index == 4);
  REQUIRE(docs[4].pod.has_value());
  CHECK(docs[4].pod->metadata.name == "listed-pod-node-a");
}

TEST_CASE("objects: config_object_kind and to_string") {
  CHECK(config_object_kind(YAML::Load("kind: ConfigMap")) == ObjectKind::ConfigMap);
  CHECK(config_object_kind(YAML::Load("kind: Secret")) == ObjectKind::Secret);
  CHECK_FALSE(config_object_kind(YAML::Load("kind: Pod")));
  CHECK_FALSE(config_object_kind(YAML::Load("kind: [Secret]")));
  CHECK_FALSE(config_object_kind(YAML::Load("just text")));
  CHECK_THROWS_AS(parse_config_object(YAML::Load("kind: Pod")), yaml_fields::FieldError);
  CHECK(std::string(to_string(ObjectKind::ConfigMap)) == "ConfigMap");
  CHECK(std::string(to_string(ObjectKind::Secret)) == "Secret");
}
