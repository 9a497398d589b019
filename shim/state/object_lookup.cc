#include "shim/state/object_lookup.h"

#include "shim/server/call.h"

namespace shim {

std::string_view kind_name(DockerObjectKind kind) {
  return kind == DockerObjectKind::kSandbox ? "sandbox" : "container";
}

std::optional<docker::ContainerInspect> find_object(docker::Client& docker, std::string_view id,
                                                    DockerObjectKind kind,
                                                    const docker::CallOptions& options) {
  return find_object(
      [&](const std::string& name) { return docker.inspect_container(name, false, options); }, id,
      kind);
}

std::optional<docker::ContainerInspect> find_object(const InspectFunction& inspect_object,
                                                    std::string_view id, DockerObjectKind kind) {
  if (id.empty()) return std::nullopt;
  // Only IDs: a name or anything with '/' or '?' must never reach Docker as a path.
  for (char c : id)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return std::nullopt;
  docker::ContainerInspect inspect;
  try {
    inspect = inspect_object(std::string(id));
  } catch (const docker::DockerError& e) {
    // 404: unknown; 400 (some versions): an ambiguous prefix. Neither names one object.
    if (e.not_found() || (e.kind() == docker::DockerError::Kind::Http && e.http_status() == 400))
      return std::nullopt;
    throw;
  }
  if (inspect.id.compare(0, id.size(), id) != 0) return std::nullopt;
  if (docker_object_kind(inspect.config.labels) != kind) return std::nullopt;
  return inspect;
}

docker::ContainerInspect require_object(docker::Client& docker, std::string_view id,
                                        DockerObjectKind kind, std::string_view field,
                                        const docker::CallOptions& options) {
  return require_object(
      [&](const std::string& name) { return docker.inspect_container(name, false, options); }, id,
      kind, field);
}

docker::ContainerInspect require_object(const InspectFunction& inspect, std::string_view id,
                                        DockerObjectKind kind, std::string_view field) {
  if (id.empty()) throw invalid_argument(std::string(field) + " is empty");
  auto found = find_object(inspect, id, kind);
  if (!found) throw not_found(std::string(kind_name(kind)) + " " + std::string(id) + " not found");
  return std::move(*found);
}

std::optional<std::string> resolve_object_id(docker::Client& docker, KnownObjects& known,
                                             std::string_view id, DockerObjectKind kind,
                                             const docker::CallOptions& options) {
  if (const auto known_kind = known.kind_of(id)) {
    if (*known_kind == kind) return std::string(id);
    return std::nullopt;  // an object of the other kind: never this one
  }
  auto found = find_object(docker, id, kind, options);
  if (!found) return std::nullopt;
  known.remember(found->id, kind);
  return std::move(found->id);
}

}  // namespace shim
