#include "shim/state/labels.h"

#include "build_version.h"

namespace shim {
namespace {

bool starts_with(std::string_view text, std::string_view prefix) { return text.starts_with(prefix); }

std::string key(std::string_view k) { return std::string(k); }

const std::string* find(const LabelMap& labels, std::string_view k) {
  const auto it = labels.find(std::string(k));
  return it == labels.end() ? nullptr : &it->second;
}

// True for the keys cri-dockerd reserves for itself, on an object of `kind`.
bool is_internal_key(std::string_view k, DockerObjectKind kind) {
  return k == label::kDockerType || k == label::kSandboxId || k == label::kLogPath ||
         (kind == DockerObjectKind::kSandbox && k == common::kube::kContainerNameLabel);
}

// The labels every object gets: CRI labels (escaped where needed), CRI
// annotations, the version. Internal keys are added by the callers.
LabelMap common_labels(DockerObjectKind kind, const PodMetadata& pod, const LabelMap& cri_labels,
                       const LabelMap& cri_annotations) {
  LabelMap labels;
  for (const auto& [k, v] : cri_labels) labels[docker_label_key(k, kind)] = v;
  for (const auto& [k, v] : cri_annotations) labels[key(label::kAnnotationPrefix) + k] = v;
  labels[key(label::kShimVersion)] = CRI_SHIM_VERSION;
  labels[key(label::kPodName)] = pod.name;
  labels[key(label::kPodNamespace)] = pod.ns;
  labels[key(label::kPodUid)] = pod.uid;
  labels[key(label::kPodAttempt)] = std::to_string(pod.attempt);
  return labels;
}

// io.cri-shim.pod.*, when all of them are there and well formed.
std::optional<PodMetadata> our_pod_metadata(const LabelMap& labels) {
  const auto* name = find(labels, label::kPodName);
  const auto* ns = find(labels, label::kPodNamespace);
  const auto* uid = find(labels, label::kPodUid);
  const auto* attempt_text = find(labels, label::kPodAttempt);
  if (!name || !ns || !uid || !attempt_text) return std::nullopt;
  const auto attempt = parse_attempt(*attempt_text);
  if (!attempt) return std::nullopt;
  return PodMetadata{*name, *uid, *ns, *attempt};
}

// Metadata of an object made by cri-dockerd or dockershim. kubelet's labels
// win over the name, which cannot be split when a field holds '_'; when they
// give every field but the attempt, the attempt is what follows them in the
// name ("<attempt>" or "<attempt>_<random>").
std::optional<DockerNameParts> legacy_metadata(const LabelMap& labels, std::string_view docker_name,
                                               const std::string* container_name) {
  if (!docker_name.empty() && docker_name.front() == '/') docker_name.remove_prefix(1);
  const auto* pod_name = find(labels, common::kube::kPodNameLabel);
  const auto* pod_namespace = find(labels, common::kube::kPodNamespaceLabel);
  const auto* pod_uid = find(labels, common::kube::kPodUidLabel);

  if (container_name && pod_name && pod_namespace && pod_uid) {
    DockerNameParts parts{*container_name, *pod_name, *pod_namespace, *pod_uid, 0};
    const std::string prefix =
        "k8s_" + *container_name + "_" + *pod_name + "_" + *pod_namespace + "_" + *pod_uid + "_";
    if (starts_with(docker_name, prefix)) {
      std::string_view rest = docker_name.substr(prefix.size());
      if (auto attempt = parse_attempt(rest.substr(0, rest.find('_')))) parts.attempt = *attempt;
    } else if (auto from_name = parse_docker_name(docker_name)) {
      parts.attempt = from_name->attempt;
    }
    return parts;
  }

  auto parts = parse_docker_name(docker_name);
  if (!parts) return std::nullopt;
  if (container_name) parts->container_name = *container_name;
  if (pod_name) parts->pod_name = *pod_name;
  if (pod_namespace) parts->pod_namespace = *pod_namespace;
  if (pod_uid) parts->pod_uid = *pod_uid;
  return parts;
}

}  // namespace

std::string docker_label_key(std::string_view cri_key, DockerObjectKind kind) {
  const bool clashes = is_internal_key(cri_key, kind) || starts_with(cri_key, label::kAnnotationPrefix) ||
                       starts_with(cri_key, label::kShimPrefix);
  return clashes ? key(label::kEscapedLabelPrefix) + std::string(cri_key) : std::string(cri_key);
}

LabelMap sandbox_docker_labels(const PodMetadata& pod, const LabelMap& cri_labels,
                               const LabelMap& cri_annotations) {
  LabelMap labels = common_labels(DockerObjectKind::kSandbox, pod, cri_labels, cri_annotations);
  labels[key(label::kDockerType)] = label::kDockerTypeSandbox;
  labels[key(common::kube::kContainerNameLabel)] = kSandboxContainerName;
  return labels;
}

LabelMap container_docker_labels(const ContainerMetadata& container, const PodMetadata& pod,
                                 std::string_view sandbox_id, std::string_view log_path,
                                 const LabelMap& cri_labels, const LabelMap& cri_annotations) {
  LabelMap labels = common_labels(DockerObjectKind::kContainer, pod, cri_labels, cri_annotations);
  labels[key(label::kDockerType)] = label::kDockerTypeContainer;
  labels[key(label::kSandboxId)] = sandbox_id;
  if (!log_path.empty()) labels[key(label::kLogPath)] = log_path;
  labels[key(label::kContainerMetadataName)] = container.name;
  labels[key(label::kContainerAttempt)] = std::to_string(container.attempt);
  return labels;
}

std::optional<DockerObjectKind> docker_object_kind(const LabelMap& docker_labels) {
  const auto* type = find(docker_labels, label::kDockerType);
  if (!type) return std::nullopt;
  if (*type == label::kDockerTypeSandbox) return DockerObjectKind::kSandbox;
  if (*type == label::kDockerTypeContainer) return DockerObjectKind::kContainer;
  return std::nullopt;
}

CriLabels split_docker_labels(const LabelMap& docker_labels) {
  const auto kind = docker_object_kind(docker_labels).value_or(DockerObjectKind::kContainer);
  CriLabels result;
  for (const auto& [k, v] : docker_labels) {
    if (is_internal_key(k, kind)) continue;
    if (starts_with(k, label::kAnnotationPrefix)) {
      result.annotations[k.substr(label::kAnnotationPrefix.size())] = v;
    } else if (starts_with(k, label::kEscapedLabelPrefix)) {
      result.labels[k.substr(label::kEscapedLabelPrefix.size())] = v;
    } else if (!starts_with(k, label::kShimPrefix)) {
      result.labels[k] = v;
    }
  }
  return result;
}

std::optional<PodMetadata> sandbox_metadata(const LabelMap& docker_labels, std::string_view docker_name) {
  if (auto ours = our_pod_metadata(docker_labels)) return ours;
  const std::string pod_container_name(kSandboxContainerName);
  const auto legacy = legacy_metadata(docker_labels, docker_name, &pod_container_name);
  if (!legacy) return std::nullopt;
  return PodMetadata{legacy->pod_name, legacy->pod_uid, legacy->pod_namespace, legacy->attempt};
}

std::optional<ContainerIdentity> container_metadata(const LabelMap& docker_labels,
                                                    std::string_view docker_name) {
  const auto* name = find(docker_labels, label::kContainerMetadataName);
  const auto* attempt_text = find(docker_labels, label::kContainerAttempt);
  const auto pod = our_pod_metadata(docker_labels);
  if (name && attempt_text && pod) {
    if (const auto attempt = parse_attempt(*attempt_text)) return ContainerIdentity{{*name, *attempt}, *pod};
  }
  const auto legacy = legacy_metadata(docker_labels, docker_name, find(docker_labels, common::kube::kContainerNameLabel));
  if (!legacy) return std::nullopt;
  return ContainerIdentity{{legacy->container_name, legacy->attempt},
                           {legacy->pod_name, legacy->pod_uid, legacy->pod_namespace, 0}};
}

}  // namespace shim
