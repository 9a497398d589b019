// CRI metadata and label maps between their proto form and the plain
// structs of naming.h / labels.h, with the validation every create call
// needs (a pod or container without a name cannot be named in Docker).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <google/protobuf/map.h>

#include "runtime/v1/api.h"
#include "shim/state/labels.h"

namespace shim {

using ProtoStringMap = google::protobuf::Map<std::string, std::string>;

LabelMap to_label_map(const ProtoStringMap& map);
void copy_to_proto(const LabelMap& map, ProtoStringMap* out);

// Throws CriError INVALID_ARGUMENT naming the missing field under `field`
// ("config.metadata"): name, namespace and uid must all be set.
PodMetadata pod_metadata_from(const cri::PodSandboxMetadata& metadata, std::string_view field);
// The container's name must be set.
ContainerMetadata container_metadata_from(const cri::ContainerMetadata& metadata,
                                          std::string_view field);

void copy_to_proto(const PodMetadata& pod, cri::PodSandboxMetadata* out);
void copy_to_proto(const ContainerMetadata& container, cri::ContainerMetadata* out);

}  // namespace shim

namespace shim {
// The creation time recorded in label::kCreatedAt, else `docker_nanos`
// (containers cri-dockerd made: Docker's own time).
std::int64_t created_at_from(const LabelMap& docker_labels, std::int64_t docker_nanos);
}  // namespace shim
