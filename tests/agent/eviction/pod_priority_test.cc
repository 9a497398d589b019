// spec.priority and spec.priorityClassName as the manifest parser reads
// them (the eviction ranking's and IsCriticalPod's input).
#include <doctest/doctest.h>

#include <string>

#include "agent/eviction/pod_ranking.h"
#include "agent/pod/manifest_parser.h"

namespace agent::eviction {
namespace {

pod::ManifestDocument parse(const std::string& spec_extra) {
  const std::string text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n"
                           "    image: busybox\n" + spec_extra;
  auto docs = pod::parse_manifest(text, pod::PodSource{pod::PodSource::Kind::Api, "api", "node"});
  REQUIRE(docs.size() == 1);
  return docs[0];
}

TEST_CASE("priority: given, from a built-in class, or refused for an unknown class without one") {
  CHECK(parse("").pod->spec.priority == std::nullopt);
  CHECK(parse("  priority: 1000\n").pod->spec.priority == 1000);
  CHECK(parse("  priority: -5\n").pod->spec.priority == -5);
  const auto node_critical = parse("  priorityClassName: system-node-critical\n");
  REQUIRE(node_critical.pod);
  CHECK(node_critical.pod->spec.priority == 2000001000);
  CHECK(node_critical.pod->spec.priority_class_name == "system-node-critical");
  CHECK(is_critical(*node_critical.pod));
  CHECK(parse("  priorityClassName: system-cluster-critical\n").pod->spec.priority == 2000000000);
  CHECK(parse("  priorityClassName: high\n  priority: 7\n").pod->spec.priority == 7);
  const auto unknown = parse("  priorityClassName: high\n");
  CHECK_FALSE(unknown.pod);
  CHECK(unknown.error.find("spec.priorityClassName") != std::string::npos);
  CHECK_FALSE(parse("  priority: 3000000000\n").pod);
  CHECK_FALSE(parse("  priority: high\n").pod);
}

}  // namespace
}  // namespace agent::eviction
