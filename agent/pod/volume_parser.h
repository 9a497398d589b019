// Reading spec.volumes, a container's volumeMounts and envFrom (the parts of
// a manifest kubelet's VolumeManager and makeEnvironmentVariables consume),
// with Kubernetes' validation and defaults. Errors are yaml_fields
// FieldErrors naming the field.
//
// node-agent makes emptyDir, hostPath, configMap, secret, downwardAPI and
// projected (configMap, secret, downwardAPI sources) volumes itself. Every
// other volume type needs a control plane or a storage driver (persistent
// volumes, CSI, serviceAccountToken) and is refused with one message that
// says so.
#pragma once

#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "agent/pod/pod_spec.h"

namespace agent::pod {

std::vector<Volume> parse_volumes(const YAML::Node& n, const std::string& path);
std::vector<VolumeMount> parse_volume_mounts(const YAML::Node& n, const std::string& path);
std::vector<EnvFromSource> parse_env_from(const YAML::Node& n, const std::string& path);
// configMapKeyRef / secretKeyRef under valueFrom.
ObjectKeyRef parse_object_key_ref(const YAML::Node& n, const std::string& path);

// After the whole spec is read: every mount names a declared volume, no
// mountPath is used twice in one container, Bidirectional propagation only
// in a privileged container, and every resourceFieldRef names a container.
// Throws FieldError.
void check_volume_references(const PodSpec& spec);

// A file mode as Kubernetes reads one: 0..0777, written in decimal (JSON:
// 420) or octal (YAML 1.1: 0644).
int32_t parse_mode(const YAML::Node& n, const std::string& path);

}  // namespace agent::pod
