// The labels and annotations node-agent puts on CRI sandboxes and containers,
// the same keys kubelet uses (pkg/kubelet/types/labels.go and
// kuberuntime/labels.go), so crictl shows what it shows for a kubelet's pods
// and a restarted agent adopts what is running from them alone.
#pragma once

#include <map>
#include <string>

#include "agent/pod/pod_spec.h"

namespace agent::runtime {

inline constexpr const char* kPodNameLabel = "io.kubernetes.pod.name";
inline constexpr const char* kPodNamespaceLabel = "io.kubernetes.pod.namespace";
inline constexpr const char* kPodUidLabel = "io.kubernetes.pod.uid";
inline constexpr const char* kContainerNameLabel = "io.kubernetes.container.name";
// Marks every sandbox and container node-agent made, so it never touches
// another client's (a crictl-made pod on the same runtime).
inline constexpr const char* kManagedByLabel = "io.node-agent.managed";
// The agent's node name: an agent adopts, and sweeps as orphans, only the
// pods of its own node, so two agents may share one runtime (as the tests do).
inline constexpr const char* kNodeNameLabel = "io.node-agent.node";

inline constexpr const char* kContainerHashAnnotation = "io.kubernetes.container.hash";
inline constexpr const char* kRestartCountAnnotation = "io.kubernetes.container.restartCount";
inline constexpr const char* kTerminationMessagePathAnnotation = "io.kubernetes.container.terminationMessagePath";
inline constexpr const char* kTerminationGraceAnnotation = "io.kubernetes.pod.terminationGracePeriod";
inline constexpr const char* kContainerPortsAnnotation = "io.kubernetes.container.ports";
// "init" for an init container, "app" otherwise.
inline constexpr const char* kContainerTypeAnnotation = "io.node-agent.container.type";

// Labels of a pod's sandbox: the pod's own labels plus the identity labels.
std::map<std::string, std::string> sandbox_labels(const pod::Pod& pod);
// Annotations of a pod's sandbox: the pod's own annotations.
std::map<std::string, std::string> sandbox_annotations(const pod::Pod& pod);

// Labels of a container: identity only (as kubelet).
std::map<std::string, std::string> container_labels(const pod::Pod& pod, const pod::Container& container);
std::map<std::string, std::string> container_annotations(const pod::Pod& pod, const pod::Container& container,
                                                         uint32_t restart_count, bool init);

// A stable hash of everything in the container's spec that, when changed,
// means the container must be recreated (kubelet's HashContainer): hex text.
std::string container_hash(const pod::Container& container);

}  // namespace agent::runtime
