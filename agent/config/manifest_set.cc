#include "agent/config/manifest_set.h"

#include <spdlog/spdlog.h>

namespace agent::config {

namespace {

// Whether a document that failed was meant as a ConfigMap or Secret: its
// kind says so (the parser reports it even for a failed document).
bool is_object_kind(const std::string& kind) { return kind == "ConfigMap" || kind == "Secret"; }

}  // namespace

ManifestSet read_manifest_set(std::string_view text, const pod::PodSource& source, const std::string& source_key) {
  ManifestSet set;
  for (auto& doc : pod::parse_manifest(text, source)) {
    if (doc.pod) {
      set.pods.push_back(std::move(*doc.pod));
    } else if (doc.object) {
      set.objects.push_back(std::move(*doc.object));
    } else if (is_object_kind(doc.kind)) {
      set.rejected_objects.push_back(doc.kind + " " + doc.namespace_ + "/" + (doc.name.empty() ? "?" : doc.name) +
                                     " from " + source_key + ": " + doc.error);
    } else {
      set.rejected.push_back({source_key, doc.namespace_, doc.name, doc.error});
    }
  }
  return set;
}

void log_rejected(const ManifestSet& set) {
  for (const auto& r : set.rejected)
    spdlog::warn("rejected manifest {}/{} from {}: {}", r.namespace_, r.name.empty() ? "?" : r.name, r.source_key,
                 r.message);
  for (const auto& message : set.rejected_objects) spdlog::warn("rejected {}", message);
}

std::string summary(const ManifestSet& set) {
  std::size_t config_maps = 0, secrets = 0;
  for (const auto& o : set.objects) (o.kind == pod::ObjectKind::Secret ? secrets : config_maps)++;
  return std::to_string(set.pods.size()) + " pods, " + std::to_string(config_maps) + " ConfigMaps, " +
         std::to_string(secrets) + " Secrets, " + std::to_string(set.rejected.size() + set.rejected_objects.size()) +
         " rejected";
}

}  // namespace agent::config
