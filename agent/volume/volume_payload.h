// What the files of a configMap, secret, downwardAPI or projected volume
// hold (kubelet's MakePayload of each plugin, and the downward API's
// fieldpath formatting). Pure: the objects come through a lookup, so every
// rule is unit-tested.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>

#include "agent/pod/config_object.h"
#include "agent/pod/pod_spec.h"
#include "agent/volume/atomic_writer.h"

namespace agent::volume {

using ObjectLookup = std::function<std::optional<pod::ConfigObject>(pod::ObjectKind, const std::string& namespace_,
                                                                    const std::string& name)>;

// What a container without a limit is limited by (kubelet's node
// allocatable, here the node's capacity; 0 where unknown).
struct NodeAllocatable {
  int64_t cpu_milli = 0;
  int64_t memory_bytes = 0;
  int64_t ephemeral_storage_bytes = 0;  // the filesystem of --root-dir
};

// Why a volume cannot be set up, in kubelet's words (FailedMount's message).
struct SetupError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The payload of an ObjectVolume, DownwardApiVolume or ProjectedVolume
// source; throws SetupError for a missing non-optional object or key
// (`configmap "x" not found`, `configmap references non-existent config
// key: k`). Not for emptyDir or hostPath.
Payload make_payload(const pod::Pod& pod, const pod::VolumeSource& source, const ObjectLookup& objects,
                     const NodeAllocatable& node);

// One downwardAPI file's content: metadata fields, labels and annotations
// as kubelet's fieldpath.FormatMap writes them (key="value" lines, sorted,
// Go-quoted), and resource values rounded up in units of the divisor.
std::string downward_api_value(const pod::Pod& pod, const pod::DownwardApiFile& file, const NodeAllocatable& node);

}  // namespace agent::volume
