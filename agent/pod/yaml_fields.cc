#include "agent/pod/yaml_fields.h"

#include <regex>

namespace agent::pod::yaml_fields {

[[noreturn]] void fail(const std::string& path, const std::string& why) {
  throw FieldError(path.empty() ? why : path + ": " + why);
}

std::string join(const std::string& path, const std::string& key) { return path.empty() ? key : path + "." + key; }
std::string at(const std::string& path, size_t i) { return path + "[" + std::to_string(i) + "]"; }

bool present(const YAML::Node& n) { return n.IsDefined() && !n.IsNull(); }

void expect_map(const YAML::Node& n, const std::string& path) {
  if (!n.IsMap()) fail(path, "expected an object");
}
void expect_seq(const YAML::Node& n, const std::string& path) {
  if (!n.IsSequence()) fail(path, "expected a list");
}

void check_keys(const YAML::Node& n, const std::string& path, const std::set<std::string>& known,
                const std::set<std::string>& ignored) {
  for (const auto& kv : n) {
    std::string key = kv.first.Scalar();
    if (known.count(key) || ignored.count(key)) continue;
    fail(join(path, key), "field not supported by node-agent");
  }
}

std::string str(const YAML::Node& n, const std::string& path) {
  if (!n.IsScalar()) fail(path, "expected a string");
  return n.Scalar();
}

int64_t integer(const YAML::Node& n, const std::string& path) {
  if (!n.IsScalar() || n.Tag() == "!") fail(path, "expected an integer");
  const std::string& s = n.Scalar();
  try {
    size_t used = 0;
    long long v = std::stoll(s, &used, 10);
    if (used != s.size()) throw std::invalid_argument(s);
    return v;
  } catch (const std::exception&) {
    fail(path, "expected an integer, got \"" + s + "\"");
  }
}

bool boolean(const YAML::Node& n, const std::string& path) {
  // YAML 1.1 spellings (yes/on/True) are accepted, as Kubernetes' YAML reader does.
  bool value = false;
  if (n.IsScalar() && n.Tag() != "!" && YAML::convert<bool>::decode(n, value)) return value;
  fail(path, "expected true or false");
}

int64_t id(const YAML::Node& n, const std::string& path) {
  int64_t v = integer(n, path);
  if (v < 0 || v > 2147483647) fail(path, "must be between 0 and 2147483647");
  return v;
}

// RFC 1123 label: what Docker container names and the shim's
// k8s_<container>_<pod>_<namespace>_<uid>_<attempt> naming can carry
// (no '_', no upper case).
void check_dns_label(const std::string& value, const std::string& path) {
  static const std::regex kLabel("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  if (value.size() > 63 || !std::regex_match(value, kLabel))
    fail(path, "\"" + value + "\" must be a DNS-1123 label (lower-case letters, digits and '-', at most 63)");
}

// RFC 1123 subdomain: dot-separated labels, at most 253 characters.
void check_dns_subdomain(const std::string& value, const std::string& path) {
  static const std::regex kSubdomain("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
  if (value.size() > 253 || !std::regex_match(value, kSubdomain))
    fail(path, "\"" + value + "\" must be a DNS-1123 subdomain (lower-case letters, digits, '-' and '.', at most 253)");
}

std::vector<std::string> strings(const YAML::Node& n, const std::string& path) {
  std::vector<std::string> out;
  if (!present(n)) return out;
  expect_seq(n, path);
  for (size_t i = 0; i < n.size(); ++i) out.push_back(str(n[i], at(path, i)));
  return out;
}

std::map<std::string, std::string> string_map(const YAML::Node& n, const std::string& path) {
  std::map<std::string, std::string> out;
  if (!present(n)) return out;
  expect_map(n, path);
  for (const auto& kv : n) out[kv.first.Scalar()] = str(kv.second, join(path, kv.first.Scalar()));
  return out;
}

}  // namespace agent::pod::yaml_fields
