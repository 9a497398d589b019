// What configMap, secret, downwardAPI and projected volumes hold.
#include "agent/volume/volume_payload.h"

#include <doctest/doctest.h>

using namespace agent::volume;
using namespace agent::pod;

namespace {

Pod pod_with_app() {
  Pod pod;
  pod.metadata.name = "web";
  pod.metadata.namespace_ = "shop";
  pod.metadata.uid = "uid-1";
  pod.metadata.labels = {{"app", "web"}, {"tier", "front\"end"}};
  pod.metadata.annotations = {{"note", "line1\nline2"}};
  Container app;
  app.name = "app";
  app.resources.limits.memory_bytes = 64 * 1024 * 1024;
  app.resources.requests.cpu_milli = 250;
  pod.spec.containers.push_back(app);
  return pod;
}

ObjectLookup objects_of(std::vector<ConfigObject> list) {
  return [list](ObjectKind kind, const std::string& ns, const std::string& name) -> std::optional<ConfigObject> {
    for (const auto& o : list)
      if (o.kind == kind && o.namespace_ == ns && o.name == name) return o;
    return std::nullopt;
  };
}

const NodeAllocatable kNode{2000, 8LL * 1024 * 1024 * 1024};

}  // namespace

TEST_CASE("a configMap volume holds every key or the items asked for") {
  const Pod pod = pod_with_app();
  const auto objects = objects_of({{ObjectKind::ConfigMap, "shop", "cfg", {{"a", "1"}, {"b", "2"}}, false}});
  ObjectVolume all{{false, "cfg", {}, false}, 0640};
  CHECK(make_payload(pod, all, objects, kNode) == Payload{{"a", {"1", 0640}}, {"b", {"2", 0640}}});
  ObjectVolume some{{false, "cfg", {{"b", "dir/b.txt", 0600}, {"a", "a.txt", std::nullopt}}, false}, 0644};
  CHECK(make_payload(pod, some, objects, kNode) == Payload{{"dir/b.txt", {"2", 0600}}, {"a.txt", {"1", 0644}}});
}

TEST_CASE("missing objects and keys fail in kubelet's words unless optional") {
  const Pod pod = pod_with_app();
  const auto objects = objects_of({{ObjectKind::ConfigMap, "shop", "cfg", {{"a", "1"}}, false},
                                   {ObjectKind::Secret, "shop", "sec", {{"t", "x"}}, false}});
  CHECK_THROWS_WITH_AS(make_payload(pod, ObjectVolume{{false, "nope", {}, false}, 0644}, objects, kNode),
                       "configmap \"nope\" not found", SetupError);
  CHECK_THROWS_WITH_AS(make_payload(pod, ObjectVolume{{true, "nope", {}, false}, 0644}, objects, kNode),
                       "secret \"nope\" not found", SetupError);
  CHECK(make_payload(pod, ObjectVolume{{false, "nope", {}, true}, 0644}, objects, kNode).empty());
  CHECK_THROWS_WITH_AS(make_payload(pod, ObjectVolume{{false, "cfg", {{"z", "z", {}}}, false}, 0644}, objects, kNode),
                       "configmap references non-existent config key: z", SetupError);
  CHECK_THROWS_WITH_AS(make_payload(pod, ObjectVolume{{true, "sec", {{"z", "z", {}}}, false}, 0644}, objects, kNode),
                       "references non-existent secret key: z", SetupError);
  CHECK(make_payload(pod, ObjectVolume{{true, "sec", {{"z", "z", {}}, {"t", "t", {}}}, true}, 0644}, objects, kNode) ==
        Payload{{"t", {"x", 0644}}});
  // Another namespace's object is not the pod's.
  Pod other = pod;
  other.metadata.namespace_ = "default";
  CHECK_THROWS_AS(make_payload(other, ObjectVolume{{false, "cfg", {}, false}, 0644}, objects, kNode), SetupError);
}

TEST_CASE("downward API files format metadata as kubelet does") {
  const Pod pod = pod_with_app();
  auto value = [&](const std::string& path) {
    DownwardApiFile f;
    f.path = "x";
    f.field_path = path;
    return downward_api_value(pod, f, kNode);
  };
  CHECK(value("metadata.name") == "web");
  CHECK(value("metadata.namespace") == "shop");
  CHECK(value("metadata.uid") == "uid-1");
  CHECK(value("metadata.labels") == "app=\"web\"\ntier=\"front\\\"end\"");
  CHECK(value("metadata.annotations") == "note=\"line1\\nline2\"");
  CHECK(value("metadata.labels['app']") == "web");
  CHECK(value("metadata.labels['none']").empty());
}

TEST_CASE("resource values round up in divisor units and fall back to the node") {
  const Pod pod = pod_with_app();
  auto value = [&](const std::string& resource, int64_t divisor) {
    DownwardApiFile f;
    f.path = "x";
    f.resource_field_ref = ResourceFieldRef{"app", resource, divisor};
    return downward_api_value(pod, f, kNode);
  };
  CHECK(value("limits.memory", 1) == "67108864");
  CHECK(value("limits.memory", 1024 * 1024) == "64");
  CHECK(value("requests.cpu", 1) == "250");    // divisor 1m
  CHECK(value("requests.cpu", 1000) == "1");   // 0.25 core rounds up to 1
  CHECK(value("limits.cpu", 1000) == "2");     // no limit: the node's 2 cores
  CHECK(value("requests.memory", 1) == "0");   // no request
}

TEST_CASE("ephemeral-storage values are bytes in divisor units; no limit reads the node's") {
  Pod pod = pod_with_app();
  const NodeAllocatable node{2000, 8LL * 1024 * 1024 * 1024, 64LL * 1024 * 1024 * 1024};
  auto value = [&](const std::string& resource, int64_t divisor) {
    DownwardApiFile f;
    f.path = "x";
    f.resource_field_ref = ResourceFieldRef{"app", resource, divisor};
    return downward_api_value(pod, f, node);
  };
  CHECK(value("limits.ephemeral-storage", 1024 * 1024 * 1024) == "64");  // the node's filesystem
  CHECK(value("requests.ephemeral-storage", 1) == "0");
  pod.spec.containers[0].resources.limits.ephemeral_storage_bytes = 3 * 1000 * 1000;  // 3M
  pod.spec.containers[0].resources.requests.ephemeral_storage_bytes = 1000 * 1000;
  CHECK(value("limits.ephemeral-storage", 1) == "3000000");
  CHECK(value("limits.ephemeral-storage", 1024 * 1024) == "3");  // 2.86Mi rounds up
  CHECK(value("requests.ephemeral-storage", 1000) == "1000");
}

TEST_CASE("a projected volume merges its sources under its default mode") {
  const Pod pod = pod_with_app();
  const auto objects = objects_of({{ObjectKind::ConfigMap, "shop", "cfg", {{"a", "1"}}, false},
                                   {ObjectKind::Secret, "shop", "sec", {{"t", "x"}}, false}});
  ProjectedVolume p;
  p.default_mode = 0400;
  p.sources.emplace_back(ObjectVolumeSource{false, "cfg", {}, false});
  p.sources.emplace_back(ObjectVolumeSource{true, "sec", {{"t", "secret/token", {}}}, false});
  DownwardApiSource d;
  d.items.push_back(DownwardApiFile{"name", std::string("metadata.name"), std::nullopt, 0644});
  p.sources.emplace_back(d);
  CHECK(make_payload(pod, p, objects, kNode) ==
        Payload{{"a", {"1", 0400}}, {"secret/token", {"x", 0400}}, {"name", {"web", 0644}}});
}
