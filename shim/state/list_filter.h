// What ListPodSandbox, ListContainers and the stats lists share: the CRI
// filter rules, applied to the container store's records in memory.
#pragma once

#include <string_view>
#include <vector>

#include "docker-client/types.h"
#include "shim/state/container_store.h"
#include "shim/state/cri_metadata.h"

namespace shim {

// Whether `inspect` is an object of `kind` whose labels hold every pair of
// `label_selector` (CRI keys, translated by docker_label_key).
bool matches_kind_and_selector(const docker::ContainerInspect& inspect, DockerObjectKind kind,
                               const ProtoStringMap& label_selector);

// Keeps the records whose ID is `id_filter` or starts with it, and only when
// exactly one does (a prefix naming several objects names none); all of
// them when the filter is empty.
void keep_id_prefix_matches(std::vector<ContainerStore::Record>& records, std::string_view id_filter);

// The records of `kind` that the label selector and the ID filter take, in
// that order (Docker applied the first two itself when lists asked Docker).
std::vector<ContainerStore::Record> select_records(std::vector<ContainerStore::Record> records,
                                                   DockerObjectKind kind, const ProtoStringMap& label_selector,
                                                   std::string_view id_filter);

}  // namespace shim
