// Which ConfigMaps and Secrets a pod reads (its volumes, projected sources,
// env refs and envFrom), so that a change of one object syncs exactly the
// pods that use it (kubelet's configmap/secret managers register a pod's
// references the same way).
#pragma once

#include <string>

#include "agent/pod/config_object.h"
#include "agent/pod/pod_spec.h"

namespace agent::pod {

// Whether `pod` names the object `kind`/`name` of its own namespace.
bool uses_object(const Pod& pod, ObjectKind kind, const std::string& name);

}  // namespace agent::pod
