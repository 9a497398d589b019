// The Docker labels of the containers behind pods and containers: how CRI
// labels, annotations and metadata are kept in Docker, and read back after a
// restart of the shim. Docker labels are all the state the shim has.
//
// Keys shared with cri-dockerd/dockershim (kept so a node can switch between
// them without losing its pods):
//   io.kubernetes.docker.type        "podsandbox" | "container"
//   io.kubernetes.sandbox.id         containers: the sandbox's Docker ID
//   io.kubernetes.container.logpath  containers: <log_directory>/<log_path>
//   io.kubernetes.container.name     sandboxes: "POD" (hidden from CRI)
//   annotation.<key>                 each CRI annotation
//   <key>                            each CRI label, verbatim
//
// cri-shim's own keys, under the reserved prefix "io.cri-shim.":
//   io.cri-shim.version              the cri-shim version that made it
//   io.cri-shim.pod.name / .namespace / .uid / .attempt
//                                    the pod's CRI metadata (sandboxes and
//                                    containers)
//   io.cri-shim.container.name / .attempt
//                                    containers: their CRI metadata
//   io.cri-shim.label.<key>          a CRI label whose key would clash with
//                                    a key above (an internal key, anything
//                                    under "annotation." or "io.cri-shim.")
//
// Metadata is read from the io.cri-shim.* keys, so names may hold '_'.
// Containers made by cri-dockerd lack them; for those, kubelet's labels
// (io.kubernetes.pod.name/namespace/uid, io.kubernetes.container.name) and
// then the Docker name (naming.h) provide it.
//
// Docker copies the image's own labels into a container's labels; like
// cri-dockerd, split_docker_labels() cannot tell those from CRI labels.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "common/kubernetes_keys.h"
#include "shim/state/naming.h"

namespace shim {

// The same type as docker-client's Labels and as protobuf maps copy into.
using LabelMap = std::map<std::string, std::string>;

namespace label {
// Shared with cri-dockerd.
inline constexpr std::string_view kDockerType = "io.kubernetes.docker.type";
inline constexpr std::string_view kDockerTypeSandbox = "podsandbox";
inline constexpr std::string_view kDockerTypeContainer = "container";
inline constexpr std::string_view kSandboxId = "io.kubernetes.sandbox.id";
inline constexpr std::string_view kLogPath = "io.kubernetes.container.logpath";
inline constexpr std::string_view kAnnotationPrefix = "annotation.";
// kubelet's CRI labels (common/kubernetes_keys.h) are read as metadata of
// cri-dockerd's containers; cri-dockerd also puts the container-name label
// on sandboxes.
// cri-shim's own.
inline constexpr std::string_view kShimPrefix = "io.cri-shim.";
inline constexpr std::string_view kShimVersion = "io.cri-shim.version";
inline constexpr std::string_view kPodName = "io.cri-shim.pod.name";
inline constexpr std::string_view kPodNamespace = "io.cri-shim.pod.namespace";
inline constexpr std::string_view kPodUid = "io.cri-shim.pod.uid";
inline constexpr std::string_view kPodAttempt = "io.cri-shim.pod.attempt";
inline constexpr std::string_view kContainerMetadataName = "io.cri-shim.container.name";
inline constexpr std::string_view kContainerAttempt = "io.cri-shim.container.attempt";
inline constexpr std::string_view kEscapedLabelPrefix = "io.cri-shim.label.";
// When the shim asked Docker to create it, in Unix nanoseconds: Docker's
// container list gives only seconds, and CRI wants the same nanoseconds
// from List as from Status.
inline constexpr std::string_view kCreatedAt = "io.cri-shim.created";
// Sandboxes: the runtime handler asked for, when not empty.
inline constexpr std::string_view kRuntimeHandler = "io.cri-shim.runtime-handler";
// Sandboxes: the PID namespace mode asked for (POD and CONTAINER look the
// same on the pause container).
inline constexpr std::string_view kPidMode = "io.cri-shim.pid-mode";
// Sandboxes: the pod's log directory, so containers find it even when a
// client's CreateContainer leaves out the sandbox config.
inline constexpr std::string_view kLogDirectory = "io.cri-shim.log-directory";
// Containers: hugepage limits asked at create ("2MB=1048576,..."), which
// Docker cannot hold (container/hugepages.h).
inline constexpr std::string_view kHugepageLimits = "io.cri-shim.hugepage-limits";
// Containers: the image as the client named it (Docker may list an ID).
inline constexpr std::string_view kImage = "io.cri-shim.image";
// Containers: ImageSpec.user_specified_image at creation, when given (the
// image as the pod's author wrote it; newer kubelets send it).
inline constexpr std::string_view kUserImage = "io.cri-shim.user-image";
}  // namespace label

enum class DockerObjectKind { kSandbox, kContainer };

// The labels of a sandbox's Docker container. `cri_labels`/`cri_annotations`
// are the PodSandboxConfig's.
LabelMap sandbox_docker_labels(const PodMetadata& pod, const LabelMap& cri_labels,
                               const LabelMap& cri_annotations);

// The labels of a container's Docker container. `log_path` is the full path
// (<sandbox log_directory>/<log_path>), left out when empty.
LabelMap container_docker_labels(const ContainerMetadata& container, const PodMetadata& pod,
                                 std::string_view sandbox_id, std::string_view log_path,
                                 const LabelMap& cri_labels, const LabelMap& cri_annotations);

// The Docker label key that holds CRI label `cri_key` on a `kind` object:
// the key itself, or io.cri-shim.label.<key> when it would clash. Label
// selector filters (ListPodSandbox, ListContainers) translate through it.
std::string docker_label_key(std::string_view cri_key, DockerObjectKind kind);

// By io.kubernetes.docker.type; nullopt for Docker containers of neither kind.
std::optional<DockerObjectKind> docker_object_kind(const LabelMap& docker_labels);

// Docker labels back to CRI: internal keys removed, annotations with their
// prefix stripped, escaped labels restored. Works for cri-dockerd's
// containers too.
struct CriLabels {
  LabelMap labels;
  LabelMap annotations;
};
CriLabels split_docker_labels(const LabelMap& docker_labels);

// A sandbox's metadata: from io.cri-shim.pod.*, else from kubelet's pod
// labels and the Docker name `docker_name` (cri-dockerd's sandboxes; the
// attempt is 0 when the name does not give it). nullopt when neither does.
std::optional<PodMetadata> sandbox_metadata(const LabelMap& docker_labels, std::string_view docker_name);

// A container's metadata and its pod's (whose attempt is 0 when unknown:
// cri-dockerd does not record it on containers), found the same way.
struct ContainerIdentity {
  ContainerMetadata container;
  PodMetadata pod;

  bool operator==(const ContainerIdentity&) const = default;
};
std::optional<ContainerIdentity> container_metadata(const LabelMap& docker_labels,
                                                    std::string_view docker_name);

}  // namespace shim
