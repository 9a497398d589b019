#include "agent/runtime/env_vars.h"

#include <cctype>
#include <stdexcept>
#include "common/string_helpers.h"

namespace agent::runtime {
namespace {

const std::string* find_env(const std::vector<std::pair<std::string, std::string>>& env, const std::string& name) {
  for (const auto& [k, v] : env)
    if (k == name) return &v;
  return nullptr;
}

// kubelet's words (its configmap and secret managers') for an object an env
// var or envFrom needs: `configmap "name" not found`.
std::string not_found_message(pod::ObjectKind kind, const std::string& name) {
  return std::string(kind == pod::ObjectKind::Secret ? "secret" : "configmap") + " \"" + name + "\" not found";
}

// Kubernetes' IsEnvVarName: [-._a-zA-Z][-._a-zA-Z0-9]*.
bool is_env_var_name(const std::string& name) {
  if (name.empty() || (name.front() >= '0' && name.front() <= '9')) return false;
  for (const unsigned char ch : name)
    if (!std::isalnum(ch) && ch != '-' && ch != '.' && ch != '_') return false;
  return true;
}

}  // namespace

std::string expand_vars(std::string_view input,
                        const std::function<std::optional<std::string>(const std::string&)>& lookup) {
  std::string out;
  std::size_t checkpoint = 0;
  for (std::size_t cursor = 0; cursor < input.size(); ++cursor) {
    if (input[cursor] != '$' || cursor + 1 >= input.size()) continue;
    out.append(input.substr(checkpoint, cursor - checkpoint));
    const char next = input[cursor + 1];
    std::size_t advance = 1;
    if (next == '$') {
      out += '$';  // "$$" escapes a reference: "$$(A)" gives "$(A)"
    } else if (next == '(') {
      const std::size_t close = input.find(')', cursor + 2);
      if (close == std::string_view::npos) {
        out += "$(";  // unclosed: kept as written
      } else {
        const std::string name(input.substr(cursor + 2, close - cursor - 2));
        const auto value = lookup(name);
        out += value ? *value : "$(" + name + ")";
        advance = close - cursor;
      }
    } else {
      out += '$';
      out += next;
    }
    cursor += advance;
    checkpoint = cursor + 1;
  }
  out.append(input.substr(std::min(checkpoint, input.size())));
  return out;
}

std::string field_ref_value(const pod::Pod& pod, const std::string& field_path, const PodEnvContext& env) {
  if (field_path == "metadata.name") return pod.metadata.name;
  if (field_path == "metadata.namespace") return pod.metadata.namespace_;
  if (field_path == "metadata.uid") return pod.metadata.uid;
  if (field_path == "spec.nodeName") return pod.spec.node_name.empty() ? env.node_name : pod.spec.node_name;
  if (field_path == "spec.serviceAccountName") return "";  // node-agent pods have no service account
  if (field_path == "status.podIP") return env.pod_ip.empty() && !env.pod_ips.empty() ? env.pod_ips.front() : env.pod_ip;
  if (field_path == "status.podIPs") return env.pod_ips.empty() ? env.pod_ip : common::join(env.pod_ips, ",");
  if (field_path == "status.hostIP" || field_path == "status.hostIPs") return env.host_ip;
  throw std::invalid_argument("env fieldRef \"" + field_path + "\" is not supported by node-agent");
}

std::vector<std::pair<std::string, std::string>> make_env(const pod::Pod& pod, const pod::Container& container,
                                                          const PodEnvContext& ctx) {
  std::vector<std::pair<std::string, std::string>> env;
  auto lookup = [&env](const std::string& name) -> std::optional<std::string> {
    if (const std::string* v = find_env(env, name)) return *v;
    return std::nullopt;
  };
  auto set = [&env](const std::string& name, std::string value) {
    for (auto& [k, v] : env)
      if (k == name) {
        v = std::move(value);
        return;
      }
    env.emplace_back(name, std::move(value));
  };
  auto object = [&](pod::ObjectKind kind, const std::string& name) -> std::optional<pod::ConfigObject> {
    if (!ctx.objects) return std::nullopt;
    return ctx.objects(kind, pod.metadata.namespace_, name);
  };
  for (const auto& from : container.env_from) {
    const pod::ObjectKind kind = from.secret ? pod::ObjectKind::Secret : pod::ObjectKind::ConfigMap;
    const auto found = object(kind, from.name);
    if (!found) {
      if (from.optional) continue;
      throw std::invalid_argument(not_found_message(kind, from.name));
    }
    for (const auto& [key, value] : found->data)
      if (is_env_var_name(from.prefix + key)) set(from.prefix + key, value);
  }
  for (const auto& var : container.env) {
    std::string value;
    if (const pod::ObjectKeyRef* ref = var.config_map_key_ref ? &*var.config_map_key_ref
                                       : var.secret_key_ref   ? &*var.secret_key_ref
                                                              : nullptr) {
      const pod::ObjectKind kind = var.secret_key_ref ? pod::ObjectKind::Secret : pod::ObjectKind::ConfigMap;
      const auto found = object(kind, ref->name);
      if (!found) {
        if (ref->optional) continue;
        throw std::invalid_argument(not_found_message(kind, ref->name));
      }
      const auto key = found->data.find(ref->key);
      if (key == found->data.end()) {
        if (ref->optional) continue;
        throw std::invalid_argument("couldn't find key " + ref->key + " in " + pod::to_string(kind) + " " +
                                    pod.metadata.namespace_ + "/" + ref->name);
      }
      value = key->second;
    } else if (!var.value.empty()) {
      value = expand_vars(var.value, lookup);
    } else if (var.field_path) {
      try {
        value = field_ref_value(pod, *var.field_path, ctx);
      } catch (const std::invalid_argument& e) {
        throw std::invalid_argument("container \"" + container.name + "\" env " + var.name + ": " + e.what());
      }
    }
    set(var.name, std::move(value));
  }
  return env;
}

std::vector<std::string> expand_all(const std::vector<std::string>& list,
                                    const std::vector<std::pair<std::string, std::string>>& env) {
  auto lookup = [&env](const std::string& name) -> std::optional<std::string> {
    if (const std::string* v = find_env(env, name)) return *v;
    return std::nullopt;
  };
  std::vector<std::string> out;
  out.reserve(list.size());
  for (const auto& s : list) out.push_back(expand_vars(s, lookup));
  return out;
}

}  // namespace agent::runtime
