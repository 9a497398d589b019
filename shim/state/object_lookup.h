// Finding the sandbox or container behind a CRI ID.
//
// CRI clients pass full IDs or unique prefixes (crictl does). The container
// store (container_store.h) resolves both among the objects of the kind
// asked for, from memory while it is live; anything else (a name, another
// kind, a prefix that names several) is "not found", which is what every
// status, start, stop and update call must then answer.
#pragma once

#include <string_view>

#include "docker-client/call_options.h"
#include "shim/state/container_store.h"
#include "shim/state/labels.h"

namespace shim {

std::string_view kind_name(DockerObjectKind kind);  // "sandbox", "container"

// The object `id` names, or CriError NOT_FOUND ("sandbox <id> not found");
// an empty ID is INVALID_ARGUMENT naming `field`. Docker failures (dockerd
// down while the store is not live) are thrown as docker::DockerError.
ContainerStore::Record require_object(ContainerStore& store, std::string_view id, DockerObjectKind kind,
                                      std::string_view field, const docker::CallOptions& options);

}  // namespace shim
