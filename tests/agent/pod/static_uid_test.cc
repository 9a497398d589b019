#include "agent/pod/static_uid.h"

#include <doctest/doctest.h>

using agent::pod::canonical_form;
using agent::pod::PodSource;
using agent::pod::static_pod_uid;

namespace {
PodSource file(const std::string& path) { return PodSource{PodSource::Kind::File, path, "node-a"}; }
}  // namespace

TEST_CASE("static uid: 32 hex digits, stable for the same content and source") {
  YAML::Node a = YAML::Load("{kind: Pod, metadata: {name: web}}");
  YAML::Node b = YAML::Load("{kind: Pod, metadata: {name: web}}");
  std::string uid = static_pod_uid(a, file("/etc/pods/web.yaml"));
  CHECK(uid.size() == 32);
  CHECK(uid.find_first_not_of("0123456789abcdef") == std::string::npos);
  CHECK(uid == static_pod_uid(b, file("/etc/pods/web.yaml")));
}

TEST_CASE("static uid: key order and YAML vs JSON spelling do not matter") {
  YAML::Node yaml = YAML::Load("kind: Pod\nmetadata:\n  name: web\n  labels: {a: x, b: y}\n");
  YAML::Node json = YAML::Load(R"({"metadata":{"labels":{"b":"y","a":"x"},"name":"web"},"kind":"Pod"})");
  CHECK(canonical_form(yaml) == canonical_form(json));
}

TEST_CASE("static uid: content, source, node and kind of source all change it") {
  YAML::Node a = YAML::Load("{kind: Pod, metadata: {name: web}}");
  YAML::Node other = YAML::Load("{kind: Pod, metadata: {name: web2}}");
  std::string uid = static_pod_uid(a, file("/p/web.yaml"));
  CHECK(uid != static_pod_uid(other, file("/p/web.yaml")));
  CHECK(uid != static_pod_uid(a, file("/p/other.yaml")));
  CHECK(uid != static_pod_uid(a, PodSource{PodSource::Kind::File, "/p/web.yaml", "node-b"}));
  CHECK(uid != static_pod_uid(a, PodSource{PodSource::Kind::Url, "/p/web.yaml", "node-a"}));
}

TEST_CASE("static uid: a quoted number differs from a plain one") {
  CHECK(canonical_form(YAML::Load("{a: 1}")) != canonical_form(YAML::Load("{a: '1'}")));
}

TEST_CASE("static uid: hashing leaves the document untouched") {
  // YAML::Node assignment writes through; a sort over nodes once scrambled the pod.
  YAML::Node doc = YAML::Load("{b: 1, a: {d: x, c: y}}");
  std::string before = canonical_form(doc);
  static_pod_uid(doc, file("/p"));
  CHECK(canonical_form(doc) == before);
  CHECK(doc["a"]["d"].Scalar() == "x");
  CHECK(doc["b"].Scalar() == "1");
}
