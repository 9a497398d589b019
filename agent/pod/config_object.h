// A ConfigMap or a Secret as node-agent holds it: what pods read through
// configMap/secret volumes, projected volumes and env (valueFrom, envFrom).
// The parser (object_parser.h) has already decoded and validated it: a
// Secret's data is base64-decoded and its stringData merged over it, a
// ConfigMap's binaryData is decoded beside its data, and every key is a
// valid Kubernetes config key. Values are bytes, not necessarily text.
#pragma once

#include <map>
#include <string>

namespace agent::pod {

enum class ObjectKind { ConfigMap, Secret };

struct ConfigObject {
  ObjectKind kind = ObjectKind::ConfigMap;
  std::string namespace_ = "default";
  std::string name;
  std::map<std::string, std::string> data;  // key -> bytes
  bool immutable = false;
  // A Secret's type as written ("Opaque" when the document gives none;
  // kubernetes.io/tls and the other built-in types have their keys checked
  // by the parser). Empty for a ConfigMap.
  std::string type{};

  bool operator==(const ConfigObject&) const = default;
};

// "ConfigMap" / "Secret", as the kind of a document.
const char* to_string(ObjectKind kind);

}  // namespace agent::pod
