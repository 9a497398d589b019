#include "agent/runtime/runtime_labels.h"

#include <nlohmann/json.hpp>

namespace agent::runtime {
namespace {

// json.Marshal of []v1.ContainerPort: the struct's field order, empty
// name / hostPort / hostIP left out (omitempty).
std::string ports_json(const std::vector<pod::ContainerPort>& ports) {
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const auto& p : ports) {
    nlohmann::ordered_json entry = nlohmann::ordered_json::object();
    if (!p.name.empty()) entry["name"] = p.name;
    if (p.host_port != 0) entry["hostPort"] = p.host_port;
    entry["containerPort"] = p.container_port;
    entry["protocol"] = pod::to_string(p.protocol);
    if (!p.host_ip.empty()) entry["hostIP"] = p.host_ip;
    list.push_back(std::move(entry));
  }
  return list.dump();
}

// Identity last, so that a pod label cannot pose as another pod.
void add_identity(const pod::Pod& pod, std::map<std::string, std::string>& labels) {
  labels[kPodNameLabel] = pod.metadata.name;
  labels[kPodNamespaceLabel] = pod.metadata.namespace_;
  labels[kPodUidLabel] = pod.metadata.uid;
  labels[kManagedByLabel] = "true";
  labels[kNodeNameLabel] = pod.spec.node_name;
}

}  // namespace

std::map<std::string, std::string> managed_selector(const std::string& node_name, const std::string& uid) {
  std::map<std::string, std::string> selector{{kManagedByLabel, "true"}};
  if (!node_name.empty()) selector[kNodeNameLabel] = node_name;
  if (!uid.empty()) selector[kPodUidLabel] = uid;
  return selector;
}

std::map<std::string, std::string> sandbox_labels(const pod::Pod& pod) {
  std::map<std::string, std::string> labels = pod.metadata.labels;
  add_identity(pod, labels);
  return labels;
}

std::map<std::string, std::string> sandbox_annotations(const pod::Pod& pod) { return pod.metadata.annotations; }

std::map<std::string, std::string> container_labels(const pod::Pod& pod, const pod::Container& container) {
  std::map<std::string, std::string> labels;
  add_identity(pod, labels);
  labels[kContainerNameLabel] = container.name;
  return labels;
}

std::map<std::string, std::string> container_annotations(const pod::Pod& pod, const pod::Container& container,
                                                         uint32_t restart_count, bool init) {
  std::map<std::string, std::string> annotations;
  annotations[kContainerHashAnnotation] = container_hash(container);
  annotations[kRestartCountAnnotation] = std::to_string(restart_count);
  annotations[kTerminationMessagePathAnnotation] = container.termination_message_path;
  annotations[kTerminationGraceAnnotation] = std::to_string(pod.spec.termination_grace_period_seconds);
  if (!container.ports.empty()) annotations[kContainerPortsAnnotation] = ports_json(container.ports);
  annotations[kContainerTypeAnnotation] = init ? "init" : "app";
  return annotations;
}

}  // namespace agent::runtime
