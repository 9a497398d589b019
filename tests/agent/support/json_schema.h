// A small JSON schema check for the agent's Kubernetes documents: a table
// of field paths ("pods[].containers[].cpu.time") with their JSON types
// and whether the upstream Go type makes them required (no omitempty).
// schema_errors() reports every field the table does not name (a name that
// is not upstream's), every type that differs, and every required field
// missing from an object that is present.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace agent::testing {

enum class JsonType { String, Uint, Int, Bool, Object, Array, StringMap };

struct FieldSpec {
  std::string path;
  JsonType type;
  bool required = false;
};

inline bool has_type(const nlohmann::json& v, JsonType t) {
  switch (t) {
    case JsonType::String: return v.is_string();
    case JsonType::Uint: return v.is_number_unsigned();
    case JsonType::Int: return v.is_number_integer();
    case JsonType::Bool: return v.is_boolean();
    case JsonType::Object: return v.is_object();
    case JsonType::Array: return v.is_array();
    case JsonType::StringMap:
      if (!v.is_object()) return false;
      for (const auto& item : v.items())
        if (!item.value().is_string()) return false;
      return true;
  }
  return false;
}

namespace detail {

inline const FieldSpec* find_spec(const std::vector<FieldSpec>& schema, const std::string& path) {
  for (const auto& s : schema)
    if (s.path == path) return &s;
  return nullptr;
}

inline void walk(const nlohmann::json& v, const std::string& path, const std::vector<FieldSpec>& schema,
                 std::vector<std::string>& errors) {
  if (!path.empty()) {
    const FieldSpec* spec = find_spec(schema, path);
    if (spec == nullptr) {
      errors.push_back(path + ": not a field of the upstream type");
      return;
    }
    if (!has_type(v, spec->type)) {
      errors.push_back(path + ": wrong JSON type (" + std::string(v.type_name()) + ")");
      return;
    }
    if (spec->type == JsonType::StringMap) return;
  }
  if (v.is_object()) {
    const std::string prefix = path.empty() ? "" : path + ".";
    for (const auto& s : schema) {
      if (!s.required || s.path.rfind(prefix, 0) != 0) continue;
      const std::string rest = s.path.substr(prefix.size());
      if (rest.find('.') != std::string::npos || rest.find("[]") != std::string::npos) continue;
      if (!v.contains(rest)) errors.push_back(s.path + ": required but missing");
    }
    for (const auto& item : v.items()) walk(item.value(), prefix + item.key(), schema, errors);
  } else if (v.is_array()) {
    for (const auto& element : v) walk(element, path + "[]", schema, errors);
  }
}

}  // namespace detail

inline std::vector<std::string> schema_errors(const nlohmann::json& document, const std::vector<FieldSpec>& schema) {
  std::vector<std::string> errors;
  detail::walk(document, "", schema, errors);
  return errors;
}

// k8s.io/kubelet/pkg/apis/stats/v1alpha1 Summary (kubelet v1.26 types.go).
inline std::vector<FieldSpec> summary_schema() {
  std::vector<FieldSpec> s;
  auto add = [&](const std::string& path, JsonType t, bool required = false) { s.push_back({path, t, required}); };
  auto cpu = [&](const std::string& p) {
    add(p, JsonType::Object);
    add(p + ".time", JsonType::String, true);
    add(p + ".usageNanoCores", JsonType::Uint);
    add(p + ".usageCoreNanoSeconds", JsonType::Uint);
  };
  auto memory = [&](const std::string& p) {
    add(p, JsonType::Object);
    add(p + ".time", JsonType::String, true);
    for (const char* f : {"availableBytes", "usageBytes", "workingSetBytes", "rssBytes", "pageFaults", "majorPageFaults"})
      add(p + "." + f, JsonType::Uint);
  };
  auto fs_fields = [&](const std::string& p) {
    add(p + ".time", JsonType::String, true);
    for (const char* f : {"availableBytes", "capacityBytes", "usedBytes", "inodesFree", "inodes", "inodesUsed"})
      add(p + "." + f, JsonType::Uint);
  };
  auto fs = [&](const std::string& p) {
    add(p, JsonType::Object);
    fs_fields(p);
  };
  auto iface = [&](const std::string& p) {
    add(p + ".name", JsonType::String, true);
    for (const char* f : {"rxBytes", "rxErrors", "txBytes", "txErrors"}) add(p + "." + f, JsonType::Uint);
  };
  auto network = [&](const std::string& p) {
    add(p, JsonType::Object);
    add(p + ".time", JsonType::String, true);
    iface(p);
    add(p + ".interfaces", JsonType::Array);
    add(p + ".interfaces[]", JsonType::Object);
    iface(p + ".interfaces[]");
  };
  auto container = [&](const std::string& p) {
    add(p, JsonType::Object);
    add(p + ".name", JsonType::String, true);
    add(p + ".startTime", JsonType::String, true);
    cpu(p + ".cpu");
    memory(p + ".memory");
    fs(p + ".rootfs");
    fs(p + ".logs");
    add(p + ".accelerators", JsonType::Array);
    add(p + ".userDefinedMetrics", JsonType::Array);
  };
  add("node", JsonType::Object, true);
  add("pods", JsonType::Array, true);
  add("node.nodeName", JsonType::String, true);
  add("node.systemContainers", JsonType::Array);
  container("node.systemContainers[]");
  add("node.startTime", JsonType::String, true);
  cpu("node.cpu");
  memory("node.memory");
  network("node.network");
  fs("node.fs");
  add("node.runtime", JsonType::Object);
  fs("node.runtime.imageFs");
  add("node.rlimit", JsonType::Object);
  add("node.rlimit.time", JsonType::String, true);
  add("node.rlimit.maxpid", JsonType::Int);
  add("node.rlimit.curproc", JsonType::Int);
  add("pods[]", JsonType::Object);
  add("pods[].podRef", JsonType::Object, true);
  add("pods[].podRef.name", JsonType::String, true);
  add("pods[].podRef.namespace", JsonType::String, true);
  add("pods[].podRef.uid", JsonType::String, true);
  add("pods[].startTime", JsonType::String, true);
  add("pods[].containers", JsonType::Array, true);
  container("pods[].containers[]");
  cpu("pods[].cpu");
  memory("pods[].memory");
  network("pods[].network");
  add("pods[].volume", JsonType::Array);
  add("pods[].volume[]", JsonType::Object);
  fs_fields("pods[].volume[]");
  add("pods[].volume[].name", JsonType::String);
  add("pods[].volume[].pvcRef", JsonType::Object);
  fs("pods[].ephemeral-storage");
  add("pods[].process_stats", JsonType::Object);
  add("pods[].process_stats.process_count", JsonType::Uint);
  return s;
}

// The fields of k8s.io/api/core/v1 Node that node-agent writes (v1.26
// types.go; required = no omitempty).
inline std::vector<FieldSpec> node_schema() {
  std::vector<FieldSpec> s;
  auto add = [&](const std::string& path, JsonType t, bool required = false) { s.push_back({path, t, required}); };
  add("kind", JsonType::String);
  add("apiVersion", JsonType::String);
  add("metadata", JsonType::Object);
  add("metadata.name", JsonType::String);
  add("metadata.uid", JsonType::String);
  add("metadata.creationTimestamp", JsonType::String);
  add("metadata.labels", JsonType::StringMap);
  add("metadata.annotations", JsonType::StringMap);
  add("spec", JsonType::Object);
  add("status", JsonType::Object);
  add("status.capacity", JsonType::StringMap);
  add("status.allocatable", JsonType::StringMap);
  add("status.phase", JsonType::String);
  add("status.conditions", JsonType::Array);
  add("status.conditions[]", JsonType::Object);
  add("status.conditions[].type", JsonType::String, true);
  add("status.conditions[].status", JsonType::String, true);
  add("status.conditions[].lastHeartbeatTime", JsonType::String);
  add("status.conditions[].lastTransitionTime", JsonType::String);
  add("status.conditions[].reason", JsonType::String);
  add("status.conditions[].message", JsonType::String);
  add("status.addresses", JsonType::Array);
  add("status.addresses[]", JsonType::Object);
  add("status.addresses[].type", JsonType::String, true);
  add("status.addresses[].address", JsonType::String, true);
  add("status.daemonEndpoints", JsonType::Object);
  add("status.daemonEndpoints.kubeletEndpoint", JsonType::Object);
  add("status.daemonEndpoints.kubeletEndpoint.Port", JsonType::Int, true);
  add("status.nodeInfo", JsonType::Object);
  for (const char* f : {"machineID", "systemUUID", "bootID", "kernelVersion", "osImage", "containerRuntimeVersion",
                        "kubeletVersion", "kubeProxyVersion", "operatingSystem", "architecture"})
    add(std::string("status.nodeInfo.") + f, JsonType::String, true);
  add("status.images", JsonType::Array);
  add("status.images[]", JsonType::Object);
  add("status.images[].names", JsonType::Array);
  add("status.images[].names[]", JsonType::String);
  add("status.images[].sizeBytes", JsonType::Int);
  return s;
}

}  // namespace agent::testing
