// Reading one field of a manifest, for the parsers of agent/pod/: each
// reader checks the node's kind and range and, on any mismatch, throws a
// FieldError whose message starts with the field's path
// ("spec.containers[0].ports[1].containerPort: must be between 1 and
// 65535"), so every rejection names what to fix.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

namespace agent::pod::yaml_fields {

// A field-level failure; the message starts with the field's path.
struct FieldError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

[[noreturn]] void fail(const std::string& path, const std::string& why);

// "a.b" and "a[3]": the paths of a key and of a list item under `path`.
std::string join(const std::string& path, const std::string& key);
std::string at(const std::string& path, std::size_t i);

// Set and not null.
bool present(const YAML::Node& n);
void expect_map(const YAML::Node& n, const std::string& path);
void expect_seq(const YAML::Node& n, const std::string& path);

// Every key of `n` must be in `known`; a key in `ignored` is read-only or
// informational and skipped. Anything else is a field node-agent cannot
// honour (or a typo): rejected rather than silently dropped.
void check_keys(const YAML::Node& n, const std::string& path, const std::set<std::string>& known,
                const std::set<std::string>& ignored = {});

std::string str(const YAML::Node& n, const std::string& path);
int64_t integer(const YAML::Node& n, const std::string& path);
// YAML 1.1 spellings (yes/on/True) too, as Kubernetes' YAML reader.
bool boolean(const YAML::Node& n, const std::string& path);
// A Linux UID/GID as Kubernetes validates it: 0 .. 2^31-1.
int64_t id(const YAML::Node& n, const std::string& path);
// RFC 1123 label (what container names and the shim's Docker names carry)
// and subdomain.
void check_dns_label(const std::string& value, const std::string& path);
void check_dns_subdomain(const std::string& value, const std::string& path);

// A list of strings, or a string-to-string map; empty when absent.
std::vector<std::string> strings(const YAML::Node& n, const std::string& path);
std::map<std::string, std::string> string_map(const YAML::Node& n, const std::string& path);

// parent[key] read by `read` at path.key, or nullopt when absent.
template <typename T>
std::optional<T> opt(const YAML::Node& parent, const char* key, const std::string& path,
                     T (*read)(const YAML::Node&, const std::string&)) {
  YAML::Node n = parent[key];
  if (!present(n)) return std::nullopt;
  return read(n, join(path, key));
}

}  // namespace agent::pod::yaml_fields
