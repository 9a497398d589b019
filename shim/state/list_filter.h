// What ListPodSandbox and ListContainers share: Docker-side filters for the
// kind and the label selector (one /containers/json call does the
// filtering), and the CRI rule for ID filters, which Docker's own "id"
// filter (an unanchored regular expression) does not follow.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "docker-client/types.h"
#include "shim/state/cri_metadata.h"

namespace shim {

// label=io.kubernetes.docker.type=<kind> plus one label=<key>=<value> per
// selector entry (keys translated by docker_label_key).
docker::Filters docker_list_filters(DockerObjectKind kind, const ProtoStringMap& label_selector);

// Keeps the summaries whose ID is `id_filter` or starts with it, and only
// when exactly one does (a prefix naming several objects names none); all of
// them when the filter is empty.
void keep_id_prefix_matches(std::vector<docker::ContainerSummary>& summaries,
                            std::string_view id_filter);

}  // namespace shim
