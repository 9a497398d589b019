#include "agent/config/manifest_set.h"

#include <spdlog/spdlog.h>

namespace agent::config {

ManifestSet read_manifest_set(std::string_view text, const pod::PodSource& source, const std::string& source_key) {
  ManifestSet set;
  for (auto& doc : pod::parse_manifest(text, source)) {
    if (doc.pod) set.pods.push_back(std::move(*doc.pod));
    else set.rejected.push_back({source_key, doc.namespace_, doc.name, doc.error});
  }
  return set;
}

void log_rejected(const ManifestSet& set) {
  for (const auto& r : set.rejected)
    spdlog::warn("rejected manifest {}/{} from {}: {}", r.namespace_, r.name.empty() ? "?" : r.name, r.source_key,
                 r.message);
}

}  // namespace agent::config
