#include "shim/state/list_filter.h"

#include <algorithm>
#include <string>

#include "shim/state/labels.h"

namespace shim {

bool matches_kind_and_selector(const docker::ContainerInspect& inspect, DockerObjectKind kind,
                               const ProtoStringMap& label_selector) {
  const auto& labels = inspect.config.labels;
  if (docker_object_kind(labels) != kind) return false;
  for (const auto& [key, value] : label_selector) {
    const auto it = labels.find(docker_label_key(key, kind));
    if (it == labels.end() || it->second != value) return false;
  }
  return true;
}

void keep_id_prefix_matches(std::vector<ContainerStore::Record>& records, std::string_view id_filter) {
  if (id_filter.empty()) return;
  std::erase_if(records, [&](const ContainerStore::Record& record) {
    return record->id.compare(0, id_filter.size(), id_filter) != 0;
  });
  if (records.size() > 1) records.clear();
}

std::vector<ContainerStore::Record> select_records(std::vector<ContainerStore::Record> records,
                                                   DockerObjectKind kind, const ProtoStringMap& label_selector,
                                                   std::string_view id_filter) {
  std::erase_if(records, [&](const ContainerStore::Record& record) {
    return !matches_kind_and_selector(*record, kind, label_selector);
  });
  keep_id_prefix_matches(records, id_filter);
  return records;
}

}  // namespace shim
