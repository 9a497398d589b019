// What one source key holds after parsing a manifest text: the good pods for
// PodManager::set_source and a RejectedManifest for every bad document. Both
// the file and the URL source turn their text into a set the same way.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "agent/pod/manifest_parser.h"
#include "agent/pod/pod_manager.h"

namespace agent::config {

struct ManifestSet {
  std::vector<pod::Pod> pods;
  std::vector<pod::RejectedManifest> rejected;
};

ManifestSet read_manifest_set(std::string_view text, const pod::PodSource& source, const std::string& source_key);

// One warning line per rejected document (ns/name, source key, why); the
// sources call it only when the text changed, so a bad file is logged once.
void log_rejected(const ManifestSet& set);

}  // namespace agent::config
