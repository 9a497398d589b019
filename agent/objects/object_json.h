// ConfigMaps and Secrets in the shape the Kubernetes API serialises them
// (v1 ConfigMap, Secret, ConfigMapList, SecretList), for GET /configmaps and
// /secrets, POST's answers, and the API objects kept on disk.
//
// A Secret's values leave the agent only to its own disk. Everywhere else
// (SecretValues::Redacted) each data key is kept with an empty value, and
// the annotation kRedactedAnnotation says so and gives each value's size
// in bytes as a JSON object ({"password":6}), as `kubectl describe secret`
// shows sizes and never values.
#pragma once

#include <vector>

#include <nlohmann/json.hpp>

#include "agent/pod/config_object.h"

namespace agent::objects {

inline constexpr const char* kRedactedAnnotation = "node-agent.io/redacted-data";

enum class SecretValues { Redacted, Included };

// One object, with apiVersion and kind. A ConfigMap's values that are not
// UTF-8 text go to binaryData (base64), the rest to data, so that the JSON
// reads back (object_parser.h) to the same bytes.
nlohmann::json object_to_json(const pod::ConfigObject& object, SecretValues secret_values);

// A v1 ConfigMapList or SecretList of `objects` (all of `kind`), items
// without apiVersion and kind as the API server writes them; Secrets
// redacted.
nlohmann::json object_list_to_json(pod::ObjectKind kind, const std::vector<pod::ConfigObject>& objects);

}  // namespace agent::objects
