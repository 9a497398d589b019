#include "agent/pod/object_parser.h"

#include <cstddef>
#include <map>
#include <regex>

#include "agent/pod/yaml_fields.h"
#include "common/base64.h"

namespace agent::pod {

const char* to_string(ObjectKind kind) {
  switch (kind) {
    case ObjectKind::ConfigMap: return "ConfigMap";
    case ObjectKind::Secret: return "Secret";
  }
  return "ConfigMap";
}

namespace {

using namespace yaml_fields;

// corev1.MaxSecretSize, which the API server applies to ConfigMaps too.
constexpr std::size_t kMaxObjectBytes = 1024 * 1024;

// `data[tls.key]`: a key of a map field, as the API server writes the path
// (a key may itself hold dots, so "data.tls.key" would be ambiguous).
std::string keyed(const std::string& path, const std::string& key) { return path + "[" + key + "]"; }

// metadata as a Pod's is read (manifest_parser.cc), except that uid is
// informational here: an object's identity is its namespace and name.
// Returns the annotations (a Secret's type may require one).
std::map<std::string, std::string> read_metadata(const YAML::Node& n, ConfigObject& object) {
  if (!present(n)) fail("metadata", "required");
  expect_map(n, "metadata");
  check_keys(n, "metadata", {"name", "namespace", "labels", "annotations"},
             {"uid", "creationTimestamp", "resourceVersion", "generation", "selfLink", "managedFields"});
  if (!present(n["name"])) fail("metadata.name", "required");
  object.name = str(n["name"], "metadata.name");
  if (object.name.empty()) fail("metadata.name", "required");
  check_dns_subdomain(object.name, "metadata.name");
  if (present(n["namespace"])) object.namespace_ = str(n["namespace"], "metadata.namespace");
  if (object.namespace_.empty()) object.namespace_ = "default";
  check_dns_label(object.namespace_, "metadata.namespace");
  // Validated so that a typo is caught; nothing in the agent selects objects
  // by label, so they are not kept.
  string_map(n["labels"], "metadata.labels");
  return string_map(n["annotations"], "metadata.annotations");
}

// A map field's entries as raw scalars. A null value is the empty value, as
// the API server's JSON decoding of map[string]string and []byte gives it.
// The error for a non-scalar value names the key only.
std::map<std::string, std::string> scalar_map(const YAML::Node& n, const std::string& path, const char* expected) {
  std::map<std::string, std::string> out;
  if (!present(n)) return out;
  expect_map(n, path);
  for (const auto& kv : n) {
    if (!kv.first.IsScalar()) fail(path, "expected string keys");
    const std::string key = kv.first.Scalar();
    const std::string key_path = keyed(path, key);
    check_config_key(key, key_path);
    if (!present(kv.second)) {
      out[key] = "";
      continue;
    }
    if (!kv.second.IsScalar()) fail(key_path, expected);
    out[key] = kv.second.Scalar();
  }
  return out;
}

// Go's base64.StdEncoding, which decodes []byte fields: the standard
// alphabet, padded, with line breaks skipped (a certificate folded over
// several lines). The message never quotes the text.
std::string decode_base64(const std::string& text, const std::string& path) {
  std::string compact;
  compact.reserve(text.size());
  for (const char c : text)
    if (c != '\n' && c != '\r') compact += c;
  auto bytes = common::base64_decode_standard(compact);
  if (!bytes) fail(path, "not valid base64 (standard alphabet, padded)");
  return std::move(*bytes);
}

void check_total_size(const std::map<std::string, std::string>& data, const std::string& path) {
  std::size_t total = 0;
  for (const auto& [key, value] : data) total += value.size();
  if (total > kMaxObjectBytes)
    fail(path, "the values hold " + std::to_string(total) + " bytes; at most " + std::to_string(kMaxObjectBytes) +
                   " are allowed");
}

// kubernetes.io/dockercfg and dockerconfigjson hold a JSON object. Checked
// without quoting the value or the parser's message, which may.
void check_json_object(const std::string& value, const std::string& path) {
  const auto start = value.find_first_not_of(" \t\r\n");
  bool ok = start != std::string::npos && value[start] == '{';
  if (ok) {
    try {
      ok = YAML::Load(value).IsMap();
    } catch (const YAML::Exception&) {
      ok = false;
    }
  }
  if (!ok) fail(path, "must be a JSON object");
}

// ValidateSecret's rules for the built-in types; any other type is free.
void check_secret_type(const ConfigObject& secret, const std::map<std::string, std::string>& annotations) {
  const auto& data = secret.data;
  auto require = [&](const char* key) {
    if (!data.count(key)) fail(keyed("data", key), "required for type " + secret.type);
  };
  if (secret.type == "kubernetes.io/tls") {
    require("tls.crt");
    require("tls.key");
  } else if (secret.type == "kubernetes.io/ssh-auth") {
    require("ssh-privatekey");
  } else if (secret.type == "kubernetes.io/basic-auth") {
    if (!data.count("username") && !data.count("password"))
      fail("data", "one of username and password is required for type " + secret.type);
  } else if (secret.type == "kubernetes.io/dockercfg") {
    require(".dockercfg");
    check_json_object(data.at(".dockercfg"), keyed("data", ".dockercfg"));
  } else if (secret.type == "kubernetes.io/dockerconfigjson") {
    require(".dockerconfigjson");
    check_json_object(data.at(".dockerconfigjson"), keyed("data", ".dockerconfigjson"));
  } else if (secret.type == "kubernetes.io/service-account-token") {
    auto it = annotations.find("kubernetes.io/service-account.name");
    if (it == annotations.end() || it->second.empty())
      fail("metadata.annotations[kubernetes.io/service-account.name]", "required for type " + secret.type);
  }
}

void read_config_map(const YAML::Node& doc, ConfigObject& object) {
  check_keys(doc, "", {"apiVersion", "kind", "metadata", "data", "binaryData", "immutable"});
  object.data = scalar_map(doc["data"], "data", "expected a string");
  for (const auto& [key, text] : scalar_map(doc["binaryData"], "binaryData", "expected a base64 string")) {
    if (object.data.count(key)) fail(keyed("data", key), "duplicate of a key in binaryData");
    object.data[key] = decode_base64(text, keyed("binaryData", key));
  }
  check_total_size(object.data, "data");
}

void read_secret(const YAML::Node& doc, ConfigObject& object, const std::map<std::string, std::string>& annotations) {
  check_keys(doc, "", {"apiVersion", "kind", "metadata", "data", "stringData", "type", "immutable"});
  for (const auto& [key, text] : scalar_map(doc["data"], "data", "expected a base64 string"))
    object.data[key] = decode_base64(text, keyed("data", key));
  // The API server writes stringData over data (a key in both takes the
  // stringData value) and never returns it.
  for (auto& [key, text] : scalar_map(doc["stringData"], "stringData", "expected a string"))
    object.data[key] = std::move(text);
  check_total_size(object.data, "data");
  object.type = present(doc["type"]) ? str(doc["type"], "type") : "";
  if (object.type.empty()) object.type = "Opaque";
  check_secret_type(object, annotations);
}

}  // namespace

std::optional<ObjectKind> config_object_kind(const YAML::Node& doc) {
  if (!doc.IsMap()) return std::nullopt;
  const YAML::Node kind = doc["kind"];
  if (!kind.IsScalar()) return std::nullopt;
  if (kind.Scalar() == "ConfigMap") return ObjectKind::ConfigMap;
  if (kind.Scalar() == "Secret") return ObjectKind::Secret;
  return std::nullopt;
}

void check_config_key(const std::string& key, const std::string& path) {
  static const std::regex kKey("[-._a-zA-Z0-9]+");
  if (key.empty()) fail(path, "a key must not be empty");
  if (key.size() > 253) fail(path, "a key must be at most 253 characters");
  if (!std::regex_match(key, kKey))
    fail(path, "\"" + key + "\" is not a valid key: letters, digits, '-', '_' and '.' only");
  if (key == "." || key == "..") fail(path, "a key must not be '" + key + "'");
  if (key.starts_with("..")) fail(path, "a key must not start with '..'");
}

ConfigObject parse_config_object(const YAML::Node& doc) {
  const auto kind = config_object_kind(doc);
  if (!kind) fail("kind", "expected \"ConfigMap\" or \"Secret\"");
  if (!present(doc["apiVersion"])) fail("apiVersion", "required");
  const std::string api = str(doc["apiVersion"], "apiVersion");
  if (api != "v1") fail("apiVersion", "expected \"v1\", got \"" + api + "\"");
  ConfigObject object;
  object.kind = *kind;
  const auto annotations = read_metadata(doc["metadata"], object);
  if (object.kind == ObjectKind::ConfigMap) read_config_map(doc, object);
  else read_secret(doc, object, annotations);
  object.immutable = opt<bool>(doc, "immutable", "", boolean).value_or(false);
  return object;
}

}  // namespace agent::pod
