#include "agent/node/node_status.h"

#include <algorithm>

#include "agent/node/quantity_format.h"
#include "common/rfc3339.h"

namespace agent::node {

namespace {

using nlohmann::json;

// metav1.Time: RFC 3339, whole seconds.
std::string time_text(int64_t ns) { return common::format_rfc3339_nanos(ns - ns % 1000000000); }

json resources_json(const std::map<std::string, int64_t>& resources) {
  json out = json::object();
  for (const auto& [name, value] : resources)
    if (name != "pid") out[name] = format_resource(name, value);
  return out;
}

json images_json(const cri::ListImagesResponse& list) {
  std::vector<const cri::Image*> images;
  for (const auto& image : list.images()) images.push_back(&image);
  std::stable_sort(images.begin(), images.end(),
                   [](const cri::Image* a, const cri::Image* b) { return a->size() > b->size(); });
  if (images.size() > kMaxImagesInNodeStatus) images.resize(kMaxImagesInNodeStatus);
  json out = json::array();
  for (const auto* image : images) {
    json names = json::array();
    for (const auto& d : image->repo_digests()) names.push_back(d);
    for (const auto& t : image->repo_tags()) names.push_back(t);
    while (names.size() > kMaxNamesPerImageInNodeStatus) names.erase(names.size() - 1);
    json entry = {{"names", std::move(names)}};
    if (image->size() != 0) entry["sizeBytes"] = static_cast<int64_t>(image->size());
    out.push_back(std::move(entry));
  }
  return out;
}

json condition_json(const NodeCondition& c) {
  json out = {{"type", c.type},
              {"status", c.status},
              {"lastHeartbeatTime", time_text(c.last_heartbeat_ns)},
              {"lastTransitionTime", time_text(c.last_transition_ns)},
              {"reason", c.reason}};
  if (!c.message.empty()) out["message"] = c.message;
  return out;
}

}  // namespace

json build_node(const NodeStatusInputs& in) {
  const NodeSystemInfo& i = in.info;
  json labels = {{"beta.kubernetes.io/arch", i.architecture},
                 {"beta.kubernetes.io/os", i.operating_system},
                 {"kubernetes.io/arch", i.architecture},
                 {"kubernetes.io/hostname", in.hostname},
                 {"kubernetes.io/os", i.operating_system}};
  json addresses = json::array();
  if (!in.host_ip.empty()) addresses.push_back({{"type", "InternalIP"}, {"address", in.host_ip}});
  addresses.push_back({{"type", "Hostname"}, {"address", in.hostname}});
  json conditions = json::array();
  for (const auto& c : in.conditions) conditions.push_back(condition_json(c));
  json node_info = {{"machineID", i.machine_id},
                    {"systemUUID", i.system_uuid},
                    {"bootID", i.boot_id},
                    {"kernelVersion", i.kernel_version},
                    {"osImage", i.os_image},
                    {"containerRuntimeVersion", i.container_runtime_version},
                    {"kubeletVersion", i.kubelet_version},
                    {"kubeProxyVersion", i.kube_proxy_version},
                    {"operatingSystem", i.operating_system},
                    {"architecture", i.architecture}};
  return {{"kind", "Node"},
          {"apiVersion", "v1"},
          {"metadata", {{"name", in.node_name}, {"creationTimestamp", time_text(in.creation_ns)}, {"labels", labels}}},
          {"spec", json::object()},
          {"status",
           {{"capacity", resources_json(in.capacity)},
            {"allocatable", resources_json(in.allocatable)},
            {"conditions", std::move(conditions)},
            {"addresses", std::move(addresses)},
            {"daemonEndpoints", {{"kubeletEndpoint", {{"Port", in.kubelet_port}}}}},
            {"nodeInfo", std::move(node_info)},
            {"images", images_json(in.images)}}}};
}

json without_heartbeats(json node) {
  auto& conditions = node["status"]["conditions"];
  for (auto& c : conditions) c.erase("lastHeartbeatTime");
  return node;
}

}  // namespace agent::node
