// Finding the Docker container behind a CRI sandbox or container ID.
//
// CRI clients pass full IDs or unique prefixes (crictl does). Docker's
// inspect accepts both, but also a container *name*, and it finds containers
// of either kind; so the answer counts only when its ID starts with what was
// asked and it is of the kind asked for. Anything else is "not found", which
// is what every status, start, stop and update call must then answer.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "docker-client/client.h"
#include "shim/state/known_objects.h"
#include "shim/state/labels.h"

namespace shim {

std::string_view kind_name(DockerObjectKind kind);  // "sandbox", "container"

// How an object is inspected: Docker's inspect by default, or a cache of it
// (container/inspect_cache.h). Throws docker::DockerError like the client.
using InspectFunction = std::function<docker::ContainerInspect(const std::string& id)>;

// nullopt when no container of `kind` has that ID or unique ID prefix.
// Other Docker failures (dockerd down, deadline) are thrown.
std::optional<docker::ContainerInspect> find_object(docker::Client& docker, std::string_view id,
                                                    DockerObjectKind kind,
                                                    const docker::CallOptions& options);
std::optional<docker::ContainerInspect> find_object(const InspectFunction& inspect,
                                                    std::string_view id, DockerObjectKind kind);

// find_object, or CriError NOT_FOUND ("sandbox <id> not found"); an empty ID
// is INVALID_ARGUMENT naming `field`.
docker::ContainerInspect require_object(docker::Client& docker, std::string_view id,
                                        DockerObjectKind kind, std::string_view field,
                                        const docker::CallOptions& options);
docker::ContainerInspect require_object(const InspectFunction& inspect, std::string_view id,
                                        DockerObjectKind kind, std::string_view field);

// The full ID of the object of `kind` that `id` (full, or a unique prefix)
// names; nullopt when there is none. A full ID that `known` has met costs
// no Docker call; otherwise it is find_object, and `known` learns the
// answer. For the calls that need nothing of the object but its ID.
std::optional<std::string> resolve_object_id(docker::Client& docker, KnownObjects& known,
                                             std::string_view id, DockerObjectKind kind,
                                             const docker::CallOptions& options);

}  // namespace shim
