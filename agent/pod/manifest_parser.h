// Turns the text of a manifest (a file, a URL's body, an HTTP API request)
// into Pods, ConfigMaps and Secrets. YAML and JSON are both read by yaml-cpp
// (JSON is flow YAML); documents are separated by "---".
//
// Contract: every document yields exactly one ManifestDocument (a v1 PodList
// or List one per item, as kubelet's file source accepts), either a
// defaulted, validated Pod, a ConfigMap or Secret (a document whose kind
// says so, read by object_parser.h), or an error that names the source, the
// document (1-based), the item if any, and the field. One bad document never
// hides the others, so the pod manager can keep the good pods of a file and
// report the bad one. Empty documents (a trailing "---", comments only) are
// skipped.
//
// A pod from a file or URL (a static pod) is named "<name>-<node name>", as
// kubelet names them; its derived UID hashes the document as written. A pod
// from the HTTP API keeps its name, and so do ConfigMaps and Secrets from
// every source (pods refer to them by the name their author wrote).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "agent/pod/config_object.h"
#include "agent/pod/pod_spec.h"

namespace agent::pod {

// Where a manifest came from; part of a static pod's derived UID.
struct PodSource {
  enum class Kind { File, Url, Api };
  Kind kind = Kind::File;
  std::string location;   // file path, URL, or "api"
  std::string node_name;  // the agent's --node-name; spec.nodeName defaults to it
};

struct ManifestDocument {
  int index = 0;             // 1-based position of its document in the text
  std::optional<Pod> pod;    // set on success for a Pod
  std::optional<ConfigObject> object;  // set on success for a ConfigMap or Secret
  std::string error;         // set on failure: "<location> document <n>: <field>: <why>"
  // The document's kind as it writes it ("" when it writes none), also for
  // a failed one: a rejected ConfigMap must not be reported as a pod.
  std::string kind;
  // The pod's (or object's) identity, also read best effort from a failed
  // document (from metadata, when it is there and a string) so that a
  // rejected manifest can be shown under its name. name is "" when the
  // document names none.
  std::string namespace_ = "default";
  std::string name;
};

std::vector<ManifestDocument> parse_manifest(std::string_view text, const PodSource& source);

// Whether `pod` was parsed from a source of `kind` (its
// kubernetes.io/config.source annotation, which parse_manifest sets).
bool came_from(const Pod& pod, PodSource::Kind kind);

}  // namespace agent::pod
