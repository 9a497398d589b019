#include "agent/objects/object_json.h"

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "common/base64.h"

namespace agent::objects {

namespace {

using nlohmann::json;

// Well-formed UTF-8 (no overlong forms, no surrogates, at most U+10FFFF),
// what a JSON string can carry; nlohmann's dump() throws on anything else.
bool is_utf8(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    const auto byte = [&](std::size_t at) { return static_cast<std::uint8_t>(text[at]); };
    const std::uint8_t lead = byte(i);
    std::size_t length = 0;
    std::uint32_t code = 0, minimum = 0;
    if (lead < 0x80) {
      ++i;
      continue;
    } else if ((lead & 0xE0) == 0xC0) {
      length = 2, code = lead & 0x1F, minimum = 0x80;
    } else if ((lead & 0xF0) == 0xE0) {
      length = 3, code = lead & 0x0F, minimum = 0x800;
    } else if ((lead & 0xF8) == 0xF0) {
      length = 4, code = lead & 0x07, minimum = 0x10000;
    } else {
      return false;
    }
    if (i + length > text.size()) return false;
    for (std::size_t k = 1; k < length; ++k) {
      if ((byte(i + k) & 0xC0) != 0x80) return false;
      code = (code << 6) | (byte(i + k) & 0x3F);
    }
    if (code < minimum || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return false;
    i += length;
  }
  return true;
}

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
