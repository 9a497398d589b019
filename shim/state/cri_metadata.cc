#include "shim/state/cri_metadata.h"

#include "shim/server/call.h"

namespace shim {
namespace {
void require(const std::string& value, std::string_view field, std::string_view name) {
  if (value.empty())
    throw invalid_argument(std::string(field) + "." + std::string(name) + " is empty");
}
}  // namespace

LabelMap to_label_map(const ProtoStringMap& map) { return LabelMap(map.begin(), map.end()); }

void copy_to_proto(const LabelMap& map, ProtoStringMap* out) {
  for (const auto& [k, v] : map) (*out)[k] = v;
}

PodMetadata pod_metadata_from(const cri::PodSandboxMetadata& metadata, std::string_view field) {
  require(metadata.name(), field, "name");
  require(metadata.namespace_(), field, "namespace");
  require(metadata.uid(), field, "uid");
  return PodMetadata{metadata.name(), metadata.uid(), metadata.namespace_(), metadata.attempt()};
}

ContainerMetadata container_metadata_from(const cri::ContainerMetadata& metadata,
                                          std::string_view field) {
  require(metadata.name(), field, "name");
  return ContainerMetadata{metadata.name(), metadata.attempt()};
}

void copy_to_proto(const PodMetadata& pod, cri::PodSandboxMetadata* out) {
  out->set_name(pod.name);
  out->set_uid(pod.uid);
  out->set_namespace_(pod.ns);
  out->set_attempt(pod.attempt);
}

void copy_to_proto(const ContainerMetadata& container, cri::ContainerMetadata* out) {
  out->set_name(container.name);
  out->set_attempt(container.attempt);
}

}  // namespace shim

namespace shim {
std::int64_t created_at_from(const LabelMap& docker_labels, std::int64_t docker_nanos) {
  const auto it = docker_labels.find(std::string(label::kCreatedAt));
  if (it == docker_labels.end()) return docker_nanos;
  try {
    std::size_t used = 0;
    const long long value = std::stoll(it->second, &used);
    if (used == it->second.size() && value > 0) return value;
  } catch (const std::exception&) {
  }
  return docker_nanos;
}
}  // namespace shim
