// The labels and annotations node-agent puts on CRI sandboxes and containers:
// kubelet's keys (common/kubernetes_keys.h), so crictl shows what it shows
// for a kubelet's pods and a restarted agent adopts what is running from
// them alone, and the agent's own below.
#pragma once

#include <map>
#include <string>

#include "agent/pod/pod_spec.h"
#include "common/kubernetes_keys.h"

namespace agent::runtime {

using common::kube::kContainerHashAnnotation;
using common::kube::kContainerNameLabel;
using common::kube::kContainerPortsAnnotation;
using common::kube::kPodNameLabel;
using common::kube::kPodNamespaceLabel;
using common::kube::kPodUidLabel;
using common::kube::kRestartCountAnnotation;
using common::kube::kTerminationGraceAnnotation;
using common::kube::kTerminationMessagePathAnnotation;

// Marks every sandbox and container node-agent made, so it never touches
// another client's (a crictl-made pod on the same runtime).
inline constexpr char kManagedByLabel[] = "io.node-agent.managed";
// The agent's node name: an agent adopts, and sweeps as orphans, only the
// pods of its own node, so two agents may share one runtime (as the tests do).
inline constexpr char kNodeNameLabel[] = "io.node-agent.node";
// "init" for an init container, "app" otherwise.
inline constexpr char kContainerTypeAnnotation[] = "io.node-agent.container.type";

// The value of `key` in a label or annotation map (std::map or protobuf
// Map), "" when absent.
template <typename Map>
std::string label_value(const Map& labels, const char* key) {
  auto it = labels.find(key);
  return it == labels.end() ? std::string() : it->second;
}

// Whether labels mark an object node-agent made (on any node).
template <typename Map>
bool is_managed(const Map& labels) {
  return label_value(labels, kManagedByLabel) == "true";
}

// The CRI label selector of what node-agent made: every agent's, or only
// node `node_name`'s, and only pod `uid`'s when given.
std::map<std::string, std::string> managed_selector(const std::string& node_name = "", const std::string& uid = "");

// Puts managed_selector(node_name, uid) into a CRI PodSandboxFilter's or
// ContainerFilter's label selector.
template <typename Filter>
void select_managed(Filter& filter, const std::string& node_name = "", const std::string& uid = "") {
  for (const auto& [key, value] : managed_selector(node_name, uid)) (*filter.mutable_label_selector())[key] = value;
}

// Labels of a pod's sandbox: the pod's own labels plus the identity labels.
std::map<std::string, std::string> sandbox_labels(const pod::Pod& pod);
// Annotations of a pod's sandbox: the pod's own annotations.
std::map<std::string, std::string> sandbox_annotations(const pod::Pod& pod);

// Labels of a container: identity only (as kubelet).
std::map<std::string, std::string> container_labels(const pod::Pod& pod, const pod::Container& container);
std::map<std::string, std::string> container_annotations(const pod::Pod& pod, const pod::Container& container,
                                                         uint32_t restart_count, bool init);

// A stable hash of everything in the container's spec that, when changed,
// means the container must be recreated (kubelet's HashContainer): hex text.
std::string container_hash(const pod::Container& container);

}  // namespace agent::runtime
