// The label and annotation keys kubelet puts on CRI sandboxes and
// containers (its pkg/kubelet/types/labels.go and kuberuntime/labels.go):
// node-agent writes them as kubelet does, and cri-shim reads them (pod
// metadata of cri-dockerd's containers, the grace period of a stop).
// Character arrays, so that each converts to std::string (a map key) and to
// std::string_view alike.
#pragma once

namespace common::kube {

// Labels.
inline constexpr char kPodNameLabel[] = "io.kubernetes.pod.name";
inline constexpr char kPodNamespaceLabel[] = "io.kubernetes.pod.namespace";
inline constexpr char kPodUidLabel[] = "io.kubernetes.pod.uid";
inline constexpr char kContainerNameLabel[] = "io.kubernetes.container.name";

// Annotations.
inline constexpr char kContainerHashAnnotation[] = "io.kubernetes.container.hash";
inline constexpr char kRestartCountAnnotation[] = "io.kubernetes.container.restartCount";
inline constexpr char kTerminationMessagePathAnnotation[] = "io.kubernetes.container.terminationMessagePath";
inline constexpr char kTerminationGraceAnnotation[] = "io.kubernetes.pod.terminationGracePeriod";
inline constexpr char kContainerPortsAnnotation[] = "io.kubernetes.container.ports";

}  // namespace common::kube
