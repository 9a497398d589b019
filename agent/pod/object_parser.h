// Reads a v1 ConfigMap or Secret document into a ConfigObject, defaulted
// and validated as the API server does (ValidateConfigMap, ValidateSecret):
// - ConfigMap: data (strings) and binaryData (base64) side by side, a key
//   in both is an error; immutable.
// - Secret: data (base64, decoded), stringData (strings) merged over it as
//   the API server merges them; type any string, "Opaque" by default, and
//   the built-in types' required keys (kubernetes.io/tls: tls.crt and
//   tls.key, ...); immutable.
// - every key a config key (IsConfigMapKey: [-._a-zA-Z0-9]+, at most 253
//   characters, not "." or "..", not starting with ".."); the values of one
//   object at most 1 MiB together;
// - metadata as for a Pod: name a DNS-1123 subdomain, namespace a DNS-1123
//   label ("default" when absent), labels and annotations string maps (read
//   and not kept), uid and server-written fields ignored. The name is never
//   changed: static-pod naming is for pods only.
//
// Contract: errors are yaml_fields::FieldError whose message starts with
// the field's path (a key as `data[tls.key]`). No message ever holds a
// value of data, binaryData or stringData, only keys: a Secret's values
// must not reach the agent's log or an API answer.
#pragma once

#include <optional>
#include <string>

#include <yaml-cpp/yaml.h>

#include "agent/pod/config_object.h"

namespace agent::pod {

// The kind of a document this parser reads (its `kind` says ConfigMap or
// Secret), or nullopt for anything else.
std::optional<ObjectKind> config_object_kind(const YAML::Node& doc);

ConfigObject parse_config_object(const YAML::Node& doc);

// Throws FieldError at `path` unless `key` is a valid config key (the keys
// of data, binaryData and stringData; kubelet's file names in a volume).
void check_config_key(const std::string& key, const std::string& path);

}  // namespace agent::pod
