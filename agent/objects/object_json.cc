#include "agent/objects/object_json.h"

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "common/base64.h"
#include "common/utf8.h"

namespace agent::objects {

namespace {

using nlohmann::json;

using common::is_utf8;

json metadata_of(const pod::ConfigObject& object) {
  return json{{"name", object.name}, {"namespace", object.namespace_}};
}

json config_map_json(const pod::ConfigObject& object) {
  json out{{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", metadata_of(object)}};
  json data = json::object(), binary = json::object();
  for (const auto& [key, value] : object.data) {
    if (is_utf8(value)) data[key] = value;
    else binary[key] = common::base64_encode(value);
  }
  // Omitted when empty, as the API server's omitempty does.
  if (!data.empty()) out["data"] = std::move(data);
  if (!binary.empty()) out["binaryData"] = std::move(binary);
  if (object.immutable) out["immutable"] = true;
  return out;
}

json secret_json(const pod::ConfigObject& object, SecretValues values) {
  json out{{"apiVersion", "v1"}, {"kind", "Secret"}, {"metadata", metadata_of(object)}};
  json data = json::object(), sizes = json::object();
  for (const auto& [key, value] : object.data) {
    if (values == SecretValues::Included) {
      data[key] = common::base64_encode(value);
    } else {
      data[key] = "";
      sizes[key] = value.size();
    }
  }
  if (values == SecretValues::Redacted) out["metadata"]["annotations"] = {{kRedactedAnnotation, sizes.dump()}};
  if (!data.empty()) out["data"] = std::move(data);
  out["type"] = object.type.empty() ? "Opaque" : object.type;
  if (object.immutable) out["immutable"] = true;
  return out;
}

}  // namespace

json object_to_json(const pod::ConfigObject& object, SecretValues secret_values) {
  return object.kind == pod::ObjectKind::Secret ? secret_json(object, secret_values) : config_map_json(object);
}

json object_list_to_json(pod::ObjectKind kind, const std::vector<pod::ConfigObject>& objects) {
  json items = json::array();
  for (const auto& object : objects) {
    json item = object_to_json(object, SecretValues::Redacted);
    item.erase("apiVersion");
    item.erase("kind");
    items.push_back(std::move(item));
  }
  return json{{"apiVersion", "v1"},
              {"kind", std::string(pod::to_string(kind)) + "List"},
              {"metadata", json::object()},
              {"items", std::move(items)}};
}

}  // namespace agent::objects
