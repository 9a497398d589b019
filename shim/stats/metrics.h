// The cAdvisor-style metrics kubelet reads through ListMetricDescriptors and
// ListPodSandboxMetrics (kubelet's PodAndContainerStatsFromCRI), made from
// the same readings as the stats calls. Names, units and help are cAdvisor's;
// label keys are "id", "name", "image" (as CRI-O gives them; kubelet adds
// container, pod and namespace itself), plus "interface" for network
// metrics and "device" for filesystem ones. Values are whole units:
// container_cpu_usage_seconds_total is in whole seconds, as the CRI value
// is an integer.
//
// Container metrics go in ContainerMetrics; the network ones, which belong
// to the pod's network namespace, in the pod's own metrics (id and name of
// the sandbox, image "").
#pragma once

#include <vector>

#include "runtime/v1/api.h"
#include "shim/stats/stats_collector.h"

namespace shim::stats {

std::vector<cri::MetricDescriptor> metric_descriptors();

void fill_container_metrics(const ContainerReading& reading, const cri::Container& container,
                            cri::ContainerMetrics* out);
// The pod's own metrics (network), not its containers'.
void fill_pod_metrics(const PodReading& reading, const cri::PodSandbox& sandbox,
                      cri::PodSandboxMetrics* out);

}  // namespace shim::stats
