#include "shim/state/list_filter.h"

#include <algorithm>

namespace shim {

docker::Filters docker_list_filters(DockerObjectKind kind, const ProtoStringMap& label_selector) {
  docker::Filters filters;
  auto& labels = filters["label"];
  labels.push_back(std::string(label::kDockerType) + "=" +
                   std::string(kind == DockerObjectKind::kSandbox ? label::kDockerTypeSandbox
                                                                  : label::kDockerTypeContainer));
  for (const auto& [key, value] : label_selector)
    labels.push_back(docker_label_key(key, kind) + "=" + value);
  return filters;
}

void keep_id_prefix_matches(std::vector<docker::ContainerSummary>& summaries,
                            std::string_view id_filter) {
  if (id_filter.empty()) return;
  std::erase_if(summaries, [&](const docker::ContainerSummary& s) {
    return s.id.compare(0, id_filter.size(), id_filter) != 0;
  });
  if (summaries.size() > 1) summaries.clear();
}

}  // namespace shim
