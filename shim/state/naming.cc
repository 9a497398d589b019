#include "shim/state/naming.h"

#include <cstdio>
#include <vector>

namespace shim {
namespace {

constexpr std::string_view kKubePrefix = "k8s";
constexpr char kDelimiter = '_';

bool allowed_in_docker_name(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.' || c == '-';
}

void append_part(std::string& name, std::string_view part) {
  name += kDelimiter;
  for (char c : part) name += allowed_in_docker_name(c) ? c : '-';
}

std::string make_name(std::string_view container, const PodMetadata& pod, std::uint32_t attempt) {
  std::string name(kKubePrefix);
  append_part(name, container);
  append_part(name, pod.name);
  append_part(name, pod.ns);
  append_part(name, pod.uid);
  append_part(name, std::to_string(attempt));
  return name;
}

}  // namespace

std::string sandbox_docker_name(const PodMetadata& pod) {
  return make_name(kSandboxContainerName, pod, pod.attempt);
}

std::string container_docker_name(const ContainerMetadata& container, const PodMetadata& pod) {
  return make_name(container.name, pod, container.attempt);
}

std::optional<std::uint32_t> parse_attempt(std::string_view text) {
  if (text.empty()) return std::nullopt;
  std::uint64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<std::uint64_t>(c - '0');
    if (value > UINT32_MAX) return std::nullopt;
  }
  return static_cast<std::uint32_t>(value);
}

std::optional<DockerNameParts> parse_docker_name(std::string_view name) {
  if (!name.empty() && name.front() == '/') name.remove_prefix(1);

  std::vector<std::string_view> parts;
  for (std::size_t start = 0;;) {
    const auto end = name.find(kDelimiter, start);
    parts.push_back(name.substr(start, end == std::string_view::npos ? end : end - start));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  if (parts.size() != 6 && parts.size() != 7) return std::nullopt;
  if (parts[0] != kKubePrefix) return std::nullopt;
  const auto attempt = parse_attempt(parts[5]);
  if (!attempt) return std::nullopt;
  return DockerNameParts{std::string(parts[1]), std::string(parts[2]), std::string(parts[3]),
                         std::string(parts[4]), *attempt};
}

}  // namespace shim
