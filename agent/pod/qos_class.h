// A pod's QoS class (v1.PodQOSClass), as the API server and kubelet compute
// it (pkg/apis/core/v1/helper/qos GetPodQOS). Pure; the one rule that
// pod cgroups (cm/), oom_score_adj (runtime/) and status.qosClass use.
//
// Over init and app containers, counting only cpu and memory and only
// values above zero:
// - BestEffort: no request and no limit at all;
// - Guaranteed: every container limits both cpu and memory, and for each
//   resource the sum of the requests equals the sum of the limits;
// - Burstable: anything else.
// The Pod model already holds requests defaulted from limits, as the API
// server defaults them.
#pragma once

#include "agent/pod/pod_spec.h"

namespace agent::pod {

enum class QosClass { Guaranteed, Burstable, BestEffort };

QosClass qos_class(const PodSpec& spec);
inline QosClass pod_qos_class(const Pod& pod) { return qos_class(pod.spec); }
const char* to_string(QosClass qos);  // "Guaranteed", "Burstable", "BestEffort"

}  // namespace agent::pod
