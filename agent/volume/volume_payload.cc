#include "agent/volume/volume_payload.h"

#include <cstdio>
#include <variant>

namespace agent::volume {

namespace {

// Go's %q for the bytes of a label or annotation value: quotes and
// backslashes escaped, control bytes as \n, \t, \r or \xNN; other bytes
// (UTF-8 included) as they are.
std::string go_quote(const std::string& value) {
  std::string out = "\"";
  for (const unsigned char ch : value) {
    switch (ch) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (ch < 0x20 || ch == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\x%02x", ch);
          out += buf;
        } else {
          out += static_cast<char>(ch);
        }
    }
  }
  return out + "\"";
}

std::string format_map(const std::map<std::string, std::string>& values) {
  std::string out;
  for (const auto& [key, value] : values) {
    if (!out.empty()) out += '\n';
    out += key + "=" + go_quote(value);
  }
  return out;
}

// metadata.labels['key'] -> "key"; "" when `path` is not of that form.
std::string subscript(const std::string& path, const std::string& prefix) {
  if (path.size() <= prefix.size() + 2 || path.rfind(prefix, 0) != 0) return "";
  return path.substr(prefix.size(), path.size() - prefix.size() - 2);
}

int64_t ceil_div(int64_t value, int64_t divisor) {
  if (divisor <= 0) return value;
  return value / divisor + (value % divisor != 0 ? 1 : 0);
}

std::string resource_value(const pod::Pod& pod, const pod::ResourceFieldRef& ref, const NodeAllocatable& node) {
  const pod::Container* container = nullptr;
  for (const auto* list : {&pod.spec.init_containers, &pod.spec.containers})
    for (const auto& c : *list)
      if (c.name == ref.container_name) container = &c;
  if (container == nullptr) throw SetupError("no container named \"" + ref.container_name + "\"");
  const pod::ResourceRequirements& r = container->resources;
  // A missing limit is the node's allocatable, as kubelet merges it; a
  // missing request is 0.
  if (ref.resource == "limits.cpu") return std::to_string(ceil_div(r.limits.cpu_milli.value_or(node.cpu_milli), ref.divisor));
  if (ref.resource == "limits.memory")
    return std::to_string(ceil_div(r.limits.memory_bytes.value_or(node.memory_bytes), ref.divisor));
  if (ref.resource == "requests.cpu") return std::to_string(ceil_div(r.requests.cpu_milli.value_or(0), ref.divisor));
  if (ref.resource == "requests.memory")
    return std::to_string(ceil_div(r.requests.memory_bytes.value_or(0), ref.divisor));
  if (ref.resource == "limits.ephemeral-storage")
    return std::to_string(
        ceil_div(r.limits.ephemeral_storage_bytes.value_or(node.ephemeral_storage_bytes), ref.divisor));
  if (ref.resource == "requests.ephemeral-storage")
    return std::to_string(ceil_div(r.requests.ephemeral_storage_bytes.value_or(0), ref.divisor));
  throw SetupError("unsupported resource \"" + ref.resource + "\"");
}

void add_object_files(const pod::Pod& pod, const pod::ObjectVolumeSource& source, int32_t default_mode,
                      const ObjectLookup& objects, Payload& payload) {
  const pod::ObjectKind kind = source.secret ? pod::ObjectKind::Secret : pod::ObjectKind::ConfigMap;
  std::optional<pod::ConfigObject> object;
  if (objects) object = objects(kind, pod.metadata.namespace_, source.name);
  if (!object) {
    if (source.optional) return;  // an optional object that is missing: no files
    throw SetupError(std::string(source.secret ? "secret" : "configmap") + " \"" + source.name + "\" not found");
  }
  if (source.items.empty()) {
    for (const auto& [key, value] : object->data) payload[key] = FileProjection{value, default_mode};
    return;
  }
  for (const auto& item : source.items) {
    auto it = object->data.find(item.key);
    if (it == object->data.end()) {
      if (source.optional) continue;
      throw SetupError(source.secret ? "references non-existent secret key: " + item.key
                                     : "configmap references non-existent config key: " + item.key);
    }
    payload[item.path] = FileProjection{it->second, item.mode.value_or(default_mode)};
  }
}

void add_downward_files(const pod::Pod& pod, const pod::DownwardApiSource& source, int32_t default_mode,
                        const NodeAllocatable& node, Payload& payload) {
  for (const auto& item : source.items)
    payload[item.path] = FileProjection{downward_api_value(pod, item, node), item.mode.value_or(default_mode)};
}

}  // namespace

std::string downward_api_value(const pod::Pod& pod, const pod::DownwardApiFile& file, const NodeAllocatable& node) {
  if (file.resource_field_ref) return resource_value(pod, *file.resource_field_ref, node);
  const std::string& path = file.field_path.value_or("");
  const pod::ObjectMeta& meta = pod.metadata;
  if (path == "metadata.name") return meta.name;
  if (path == "metadata.namespace") return meta.namespace_;
  if (path == "metadata.uid") return meta.uid;
  if (path == "metadata.labels") return format_map(meta.labels);
  if (path == "metadata.annotations") return format_map(meta.annotations);
  if (std::string key = subscript(path, "metadata.labels['"); !key.empty()) {
    auto it = meta.labels.find(key);
    return it == meta.labels.end() ? "" : it->second;
  }
  if (std::string key = subscript(path, "metadata.annotations['"); !key.empty()) {
    auto it = meta.annotations.find(key);
    return it == meta.annotations.end() ? "" : it->second;
  }
  throw SetupError("unsupported fieldPath \"" + path + "\"");
}

Payload make_payload(const pod::Pod& pod, const pod::VolumeSource& source, const ObjectLookup& objects,
                     const NodeAllocatable& node) {
  Payload payload;
  if (const auto* o = std::get_if<pod::ObjectVolume>(&source)) {
    add_object_files(pod, o->source, o->default_mode, objects, payload);
  } else if (const auto* d = std::get_if<pod::DownwardApiVolume>(&source)) {
    add_downward_files(pod, d->source, d->default_mode, node, payload);
  } else if (const auto* p = std::get_if<pod::ProjectedVolume>(&source)) {
    for (const auto& s : p->sources) {
      if (const auto* os = std::get_if<pod::ObjectVolumeSource>(&s)) add_object_files(pod, *os, p->default_mode, objects, payload);
      else add_downward_files(pod, std::get<pod::DownwardApiSource>(s), p->default_mode, node, payload);
    }
  }
  return payload;
}

}  // namespace agent::volume
