// The UID of a pod whose manifest has none, as kubelet derives it for static
// pods (pkg/kubelet/config/common.go): an MD5 over the pod's content, then
// the node name and the source. Kubelet hashes its Go object dump; we hash a
// canonical form of the document (map keys sorted, scalars with their
// quoted-ness), so re-reading the same file, or the same pod reformatted or
// with keys reordered, gives the same UID, and any content change a new one.
#pragma once

#include <string>

#include <yaml-cpp/yaml.h>

#include "agent/pod/manifest_parser.h"

namespace agent::pod {

// 32 lowercase hex digits.
std::string static_pod_uid(const YAML::Node& document, const PodSource& source);

// The canonical text hashed above; exposed for tests.
std::string canonical_form(const YAML::Node& node);

}  // namespace agent::pod
