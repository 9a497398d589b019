// What one source key holds after parsing a manifest text: the good pods for
// PodManager::set_source, the good ConfigMaps and Secrets for
// ObjectStore::set_source, a RejectedManifest for every bad Pod document
// (shown as that pod's status), and a message for every bad ConfigMap or
// Secret document (logged only: they have no status to show). Both the file
// and the URL source turn their text into a set the same way.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "agent/pod/config_object.h"
#include "agent/pod/manifest_parser.h"
#include "agent/pod/pod_manager.h"

namespace agent::config {

struct ManifestSet {
  std::vector<pod::Pod> pods;
  std::vector<pod::RejectedManifest> rejected;
  std::vector<pod::ConfigObject> objects;
  // "<kind> <ns>/<name> from <key>: <parser's message>" for each bad
  // ConfigMap or Secret; the parser's messages never hold a value.
  std::vector<std::string> rejected_objects;

  // Nothing good in it (rejections aside).
  bool empty() const { return pods.empty() && objects.empty(); }
};

ManifestSet read_manifest_set(std::string_view text, const pod::PodSource& source, const std::string& source_key);

// One warning line per rejected document (ns/name, source key, why); the
// sources call it only when the text changed, so a bad file is logged once.
void log_rejected(const ManifestSet& set);

// "2 pods, 1 ConfigMap, 1 Secret, 0 rejected": a source's read, counted
// (objects are named in the object store's own log lines, never their data).
std::string summary(const ManifestSet& set);

}  // namespace agent::config
