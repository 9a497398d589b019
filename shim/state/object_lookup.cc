#include "shim/state/object_lookup.h"

#include <string>

#include "shim/server/call.h"

namespace shim {

std::string_view kind_name(DockerObjectKind kind) {
  return kind == DockerObjectKind::kSandbox ? "sandbox" : "container";
}

ContainerStore::Record require_object(ContainerStore& store, std::string_view id, DockerObjectKind kind,
                                      std::string_view field, const docker::CallOptions& options) {
  if (id.empty()) throw invalid_argument(std::string(field) + " is empty");
  auto found = store.find(id, kind, options);
  if (!found) throw not_found(std::string(kind_name(kind)) + " " + std::string(id) + " not found");
  return found;
}

}  // namespace shim
